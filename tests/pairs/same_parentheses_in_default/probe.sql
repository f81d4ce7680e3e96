INSERT INTO t (id) VALUES (1);
SELECT id, kind, typeof(kind), n, typeof(n), typeof(at), length(at) FROM t;
