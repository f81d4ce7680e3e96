CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE INDEX lines_value ON lines ("QTY" * "price");
