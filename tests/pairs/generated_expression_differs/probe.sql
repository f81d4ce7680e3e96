INSERT INTO lines (id, qty, price) VALUES (1, 2, 3.5);
SELECT id, total, typeof(total) FROM lines;
