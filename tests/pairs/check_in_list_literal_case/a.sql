CREATE TABLE stock (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b')));
