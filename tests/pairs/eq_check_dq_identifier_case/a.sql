-- "Qty" names the column qty (identifiers ignore case), so it is a column reference, not a string.
CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER CHECK (qty > 0));
