INSERT INTO prices VALUES (1, 2.5), (2, 0.5);
SELECT id FROM prices WHERE price > 1;
EXPLAIN QUERY PLAN SELECT id FROM prices WHERE price > 1;
