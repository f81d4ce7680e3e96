INSERT INTO users (id, name, status) VALUES (1, 'ann', 'live'), (2, 'ann', 'gone');
SELECT id FROM users INDEXED BY users_live WHERE name = 'ann' AND status <> 'gone';
SELECT id FROM users INDEXED BY users_live WHERE name = 'ann';
