INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO users VALUES (2, 'bob');
SELECT id, nickname FROM users ORDER BY id;
SELECT id, name FROM users ORDER BY id;
