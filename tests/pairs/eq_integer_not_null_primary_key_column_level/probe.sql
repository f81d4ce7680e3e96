INSERT INTO users (id, name) VALUES (NULL, 'ann');
INSERT INTO users (name) VALUES ('bob');
SELECT rowid, id, name FROM users ORDER BY id;
