INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
INSERT INTO audit (id, what) VALUES (1, 'x');
DELETE FROM users WHERE id = 1;
DELETE FROM audit WHERE id = 1;
-- The body is SELECT 1, so only the statement's program shows which delete fires it.
EXPLAIN DELETE FROM users WHERE id = 1;
