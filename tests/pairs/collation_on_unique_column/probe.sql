INSERT INTO users (id, email) VALUES (1, 'ann@x');
INSERT INTO users (id, email) VALUES (2, 'ANN@X');
SELECT id FROM users WHERE email = 'Ann@X' ORDER BY id;
SELECT id, email FROM users ORDER BY id;
