CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals (line, value) AS SELECT id, qty * price FROM lines;
