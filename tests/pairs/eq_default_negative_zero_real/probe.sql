INSERT INTO t (id) VALUES (1);
SELECT atan2(a, -1) > 0, a, typeof(a) FROM t;
