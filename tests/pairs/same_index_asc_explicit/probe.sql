INSERT INTO t (id, a, b) VALUES (1, 'x', '2'), (2, 'x', '1'), (3, 'w', '9');
SELECT id FROM t INDEXED BY t_ab WHERE a > '';
EXPLAIN QUERY PLAN SELECT id FROM t WHERE a = 'x' ORDER BY b;
