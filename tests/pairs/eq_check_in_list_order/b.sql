CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('c', 'a', 'b')));
