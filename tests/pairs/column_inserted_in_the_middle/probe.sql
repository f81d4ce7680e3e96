INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x');
INSERT INTO users VALUES (2, 'bob', 'b@x');
SELECT nickname FROM users;
SELECT id, name, email FROM users ORDER BY id;
