INSERT INTO lines (id, qty, price) VALUES (1, 2, 3.5);
UPDATE lines SET qty = 4 WHERE id = 1;
SELECT id, total, typeof(total) FROM lines;
-- The values agree; a stored column is read from the record, a virtual one is computed on read.
EXPLAIN SELECT total FROM lines;
