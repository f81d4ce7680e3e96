INSERT INTO t (id, a, b) VALUES (1, 1, 5);
INSERT INTO t (id, a, b) VALUES (2, 0, 5);
INSERT INTO t (id, a, b) VALUES (3, 1, 10);
INSERT INTO t (id, a, b) VALUES (4, 1, 0);
SELECT id, a, b FROM t ORDER BY id;
