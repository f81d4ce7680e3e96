CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT CHECK (code <> 'none'));
