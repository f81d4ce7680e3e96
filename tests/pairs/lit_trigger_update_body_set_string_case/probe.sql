INSERT INTO orders (id, st) VALUES (1, 'Done');
INSERT INTO log (order_id, what) VALUES (1, 'x');
SELECT id, st FROM orders;
