INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x');
INSERT INTO users (id, name) VALUES (2, 'bob');
SELECT id, email FROM users ORDER BY id;
SELECT id, name FROM users ORDER BY id;
