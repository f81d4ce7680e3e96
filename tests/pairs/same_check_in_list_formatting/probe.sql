INSERT INTO t (id, x) VALUES (1, 'a');
INSERT INTO t (id, x) VALUES (2, 'b');
INSERT INTO t (id, x) VALUES (3, 'c');
INSERT INTO t (id, x) VALUES (4, 'A');
SELECT id, x FROM t ORDER BY id;
