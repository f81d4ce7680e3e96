INSERT INTO m VALUES (1, 5);
SELECT v, typeof(v) FROM log;
