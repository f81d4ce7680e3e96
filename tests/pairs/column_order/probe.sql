INSERT INTO users (id, name, email, phone) VALUES (1, 'ann', 'a@x', '555');
INSERT INTO users (name, email) VALUES ('bob', 'b@x');
UPDATE users SET phone = '777' WHERE name = 'bob';
SELECT id, name, email, phone FROM users ORDER BY id;
SELECT name FROM users WHERE email = 'b@x';
INSERT INTO users VALUES (3, 'cy', 'c@x', '999');
SELECT id, name, email, phone FROM users WHERE id = 3;
