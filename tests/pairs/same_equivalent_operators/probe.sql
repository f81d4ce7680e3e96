INSERT INTO t (id, a, b) VALUES (1, 1, 'x');
INSERT INTO t (id, a, b) VALUES (2, 2, NULL);
INSERT INTO t (id, a, b) VALUES (3, 2, 'x');
INSERT INTO t (id, a, b) VALUES (4, NULL, NULL);
INSERT INTO t (id, a, b) VALUES (5, NULL, 'y');
SELECT id, a, b FROM t ORDER BY id;
