INSERT INTO m (id, qty) VALUES (1, 3);
SELECT twice, typeof(twice) FROM m;
