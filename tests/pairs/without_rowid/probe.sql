INSERT INTO kv (k, v) VALUES ('a', '1');
SELECT k, v FROM kv;
SELECT rowid, k FROM kv;
