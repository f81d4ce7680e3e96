INSERT INTO orders (id, st) VALUES (1, 'x');
INSERT INTO log (order_id, what) VALUES (1, 'Temp'), (1, 'temp'), (1, 'keep');
DELETE FROM orders WHERE id = 1;
SELECT order_id, what FROM log ORDER BY id;
