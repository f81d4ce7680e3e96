INSERT INTO t (id) VALUES (1);
INSERT INTO t (id, note) VALUES (2, NULL);
SELECT id, note, typeof(note), kind FROM t ORDER BY id;
