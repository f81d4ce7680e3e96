INSERT INTO t (name) VALUES ('ann');
INSERT INTO t (id, name) VALUES ('7', 'bob');
INSERT INTO t (id, name) VALUES ('x', 'cy');
SELECT id, typeof(id), rowid = id, name FROM t ORDER BY id;
