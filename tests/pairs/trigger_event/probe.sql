INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
SELECT count(*) FROM audit;
DELETE FROM users WHERE id = 1;
SELECT count(*) FROM audit;
