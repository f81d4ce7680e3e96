INSERT INTO users (id, email) VALUES (1, 'Ann@x'), (2, 'bob@x'), (3, 'ann@x');
SELECT id FROM users WHERE email = 'ANN@X' ORDER BY id;
SELECT id, email FROM users ORDER BY email, id;
SELECT count(DISTINCT email) FROM users;
