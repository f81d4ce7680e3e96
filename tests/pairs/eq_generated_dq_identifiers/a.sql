CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL, total REAL AS (qty * price));
