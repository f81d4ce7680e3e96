-- A view's column list wins over the aliases in its SELECT.
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals (line, amount) AS SELECT id AS a, qty * price AS b FROM lines;
