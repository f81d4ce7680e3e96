INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x'), (2, 'bob', NULL);
INSERT INTO users (id, name) VALUES (3, '');
UPDATE users SET name = 'anne' WHERE id = 1;
SELECT id, name, email FROM users ORDER BY id;
SELECT id, name FROM named ORDER BY id;
SELECT id FROM users INDEXED BY users_email WHERE email IS NOT NULL AND email = 'a@x';
