INSERT INTO lines VALUES (1, 2, 5.0), (2, 1, 3.0), (3, 4, 0.5);
SELECT id FROM lines INDEXED BY lines_value;
SELECT id FROM lines WHERE qty * price > 2.5 ORDER BY id;
EXPLAIN QUERY PLAN SELECT id FROM lines WHERE qty * price = 10;
