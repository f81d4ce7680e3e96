INSERT INTO orders (id, st) VALUES (1, 'Done');
INSERT INTO orders (id, st) VALUES (2, 'done');
UPDATE orders SET st = 'Done' WHERE id = 2;
DELETE FROM orders WHERE id = 1;
SELECT id, order_id, what FROM log ORDER BY id;
SELECT id, st FROM orders ORDER BY id;
UPDATE orders SET st = 'done';
SELECT count(*) FROM log;
