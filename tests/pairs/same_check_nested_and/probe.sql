INSERT INTO t (id, a, b, c) VALUES (1, 1, 1, 1);
INSERT INTO t (id, a, b, c) VALUES (2, 0, 1, 1);
INSERT INTO t (id, a, b, c) VALUES (3, 1, 0, 1);
INSERT INTO t (id, a, b, c) VALUES (4, 1, 1, 0);
INSERT INTO t (id, a, b, c) VALUES (5, 1, NULL, 1);
SELECT id, a, b, c FROM t ORDER BY id;
