INSERT INTO users (id, email) VALUES (1, 'A@x');
INSERT INTO users (id, name) VALUES (2, '');
INSERT INTO users (id, name, email) VALUES (3, 'bob', 'b@x');
UPDATE users SET name = 'bobby' WHERE id = 3;
UPDATE users SET email = 'c@x' WHERE id = 1;
SELECT id, name, email FROM users ORDER BY id;
SELECT id, name FROM named ORDER BY id;
SELECT id FROM users INDEXED BY users_email WHERE lower(email) = 'c@x' AND email IS NOT NULL;
