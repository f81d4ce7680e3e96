CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, order_id INTEGER, what TEXT);
CREATE TRIGGER orders_done AFTER UPDATE ON orders WHEN new.st = 'done' BEGIN INSERT INTO log (order_id, what) VALUES (new.id, 'done'); END;
