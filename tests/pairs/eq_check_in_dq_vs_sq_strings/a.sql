-- "Active" names no column in scope, so it is the string 'Active'.
CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT CHECK (st IN ('Active', 'Done')));
