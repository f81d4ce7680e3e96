-- The same two CHECKs with their names swapped: the rules are unchanged, only the names that error messages quote.
CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER, price REAL, CONSTRAINT ck_a CHECK (qty >= 0), CONSTRAINT ck_b CHECK (price > 0));
