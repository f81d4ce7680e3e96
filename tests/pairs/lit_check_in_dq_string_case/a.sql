-- No column is named Active: SQLite reads "Active" as the string 'Active', case kept.
CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT CHECK (st IN ("Active", "Done")));
