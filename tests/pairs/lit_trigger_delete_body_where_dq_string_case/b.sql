CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, order_id INTEGER, what TEXT);
CREATE TRIGGER orders_gone AFTER DELETE ON orders BEGIN DELETE FROM log WHERE order_id = old.id AND what = "temp"; END;
