INSERT INTO users (id, email, st) VALUES (1, 'a@x', 'live'), (2, 'b@x', 'LIVE');
SELECT id FROM users INDEXED BY users_live WHERE st = 'live' AND email = 'a@x';
SELECT id FROM users INDEXED BY users_live WHERE st = 'LIVE' AND email = 'b@x';
