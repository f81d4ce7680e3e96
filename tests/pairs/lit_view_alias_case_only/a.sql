-- Only the case of an output column name differs: queries still work, result column names keep the case.
CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL);
CREATE VIEW line_totals AS SELECT id AS line, qty * price AS Amount FROM lines;
