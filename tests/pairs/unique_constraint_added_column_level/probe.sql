INSERT INTO users (id, email) VALUES (1, 'a@x');
INSERT INTO users (id, email) VALUES (2, 'a@x');
SELECT id, email FROM users ORDER BY id;
