INSERT INTO orders (id) VALUES (1);
INSERT INTO orders (id, status) VALUES (2, 'paid');
SELECT id, status FROM orders ORDER BY id;
