INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
DELETE FROM users WHERE id = 1;
SELECT what FROM audit ORDER BY id;
