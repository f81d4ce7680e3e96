INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
UPDATE users SET name = 'anne' WHERE id = 1;
UPDATE users SET active = 0 WHERE id = 1;
SELECT id, name, active FROM users;
EXPLAIN UPDATE users SET active = 1 WHERE id = 1;
