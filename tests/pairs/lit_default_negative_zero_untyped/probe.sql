INSERT INTO t (id) VALUES (1);
SELECT atan2(a, -1) > 0 FROM t;
