CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);

CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), note TEXT);
INSERT INTO parent (id, code) VALUES (1, 'a'), (2, 'b');
INSERT INTO child (parent_id, note) VALUES (1, 'x'), (2, 'y'), (NULL, 'z');
