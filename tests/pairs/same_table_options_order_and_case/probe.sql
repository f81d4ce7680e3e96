INSERT INTO kv (k, v) VALUES ('a', 1);
INSERT INTO kv (k, v) VALUES ('b', 'not a number');
INSERT INTO kv (k, v) VALUES ('c', '3');
SELECT k, v, typeof(v) FROM kv ORDER BY k;
SELECT rowid FROM kv;
