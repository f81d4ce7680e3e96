CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals (line, amount) AS SELECT id, qty * price FROM lines;
