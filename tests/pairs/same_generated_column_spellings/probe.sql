INSERT INTO lines (id, qty, price) VALUES (1, 2, 3.5);
INSERT INTO lines (id, qty, price, total) VALUES (2, 1, 1, 9);
UPDATE lines SET qty = 4 WHERE id = 1;
SELECT id, total, typeof(total) FROM lines ORDER BY id;
