INSERT INTO lines (id, qty, price) VALUES (1, 2, 1.5);
SELECT id, total, typeof(total) FROM lines;
