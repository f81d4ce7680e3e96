-- Inside VALUES no column is named Created: "Created" is the string 'Created'.
CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT);
CREATE TABLE log (id INTEGER PRIMARY KEY, order_id INTEGER, what TEXT);
CREATE TRIGGER orders_created AFTER INSERT ON orders BEGIN INSERT INTO log (order_id, what) VALUES (new.id, "Created"); END;
