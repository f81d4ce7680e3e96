INSERT INTO users (id, name) VALUES (NULL, 'ann');
INSERT INTO users (name) VALUES ('bob');
INSERT INTO users (id, name) VALUES ('x', 'cy');
SELECT id, typeof(id), rowid = id, name FROM users ORDER BY id;
