CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, order_id INTEGER, what TEXT);
CREATE TRIGGER orders_archive AFTER INSERT ON log BEGIN UPDATE orders SET st = 'archived' WHERE id = new.order_id; END;
