INSERT INTO users (id, email, handle) VALUES (1, 'Ann@x', 'ann  '), (2, 'bob@x', 'bob');
SELECT id FROM users WHERE email = 'ANN@X';
SELECT id FROM users INDEXED BY users_email WHERE email = 'ann@x';
SELECT id FROM users WHERE handle = 'ann';
SELECT email FROM users ORDER BY email;
