INSERT INTO users (id, name, status) VALUES (1, 'ann', 'live'), (2, 'bob', 'live'), (3, 'cy', 'live');
UPDATE users SET status = 'away' WHERE id = 1;
UPDATE users SET status = 'gone' WHERE id = 2;
UPDATE users SET status = 'live' WHERE id = 3;
SELECT id, name, status FROM users ORDER BY id;
