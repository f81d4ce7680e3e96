CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals AS SELECT id AS line, qty AS amount FROM lines;
