INSERT INTO users (id, email) VALUES (1, 'b@x'), (2, 'A@x'), (3, 'a@x');
SELECT id FROM users WHERE email = 'a@x';
SELECT id FROM users INDEXED BY users_email WHERE email = 'A@x';
SELECT email FROM users ORDER BY email;
