INSERT INTO t (id) VALUES (1);
SELECT v, typeof(v) FROM t;
