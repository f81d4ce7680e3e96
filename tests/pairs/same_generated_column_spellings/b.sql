CREATE TABLE lines (id INTEGER PRIMARY KEY, qty INTEGER, price REAL, total REAL GENERATED ALWAYS AS ( (qty) * price /* each */ ) VIRTUAL);
