-- One column moved to the end: one change, not one per column that shifted.
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, phone TEXT);
