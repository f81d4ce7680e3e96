INSERT INTO orders (id) VALUES (1);
INSERT INTO orders (id, qty) VALUES (2, 7);
SELECT id, qty, typeof(qty) FROM orders ORDER BY id;
