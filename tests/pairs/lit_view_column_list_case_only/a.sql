CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals (Line, Amount) AS SELECT id, qty * price FROM lines;
