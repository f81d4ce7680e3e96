INSERT INTO t (id, name) VALUES (1, 'ann');
INSERT INTO t (id, name) VALUES (2, x'00ff');
INSERT INTO t (id, name) VALUES (3, 5);
SELECT id, name, typeof(name) FROM t ORDER BY id;
