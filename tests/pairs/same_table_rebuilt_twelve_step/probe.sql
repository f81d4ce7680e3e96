INSERT INTO users (id, name, email) VALUES (10, 'cy', 'Cy@x');
INSERT INTO users (id, name) VALUES (11, NULL);
INSERT INTO users (id, name) VALUES (12, '');
SELECT id FROM users WHERE email = 'CY@X';
SELECT id FROM users INDEXED BY users_email WHERE email = 'cy@x';
SELECT id FROM users INDEXED BY users_name WHERE name = 'cy';
