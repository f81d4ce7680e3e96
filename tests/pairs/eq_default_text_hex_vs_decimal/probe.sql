INSERT INTO m (id) VALUES (1);
SELECT v, typeof(v) FROM m;
