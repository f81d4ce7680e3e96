INSERT INTO t (id, a) VALUES (1, 1), (2, 2), (3, NULL), (4, 0);
SELECT id, g, typeof(g), h FROM t ORDER BY id;
