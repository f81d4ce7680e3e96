INSERT INTO users (id, name, active) VALUES (1, 'ann', 1), (2, 'bob', 0);
SELECT id, name FROM users ORDER BY id;
EXPLAIN INSERT INTO users (id, name, active) VALUES (3, 'cy', 1);
