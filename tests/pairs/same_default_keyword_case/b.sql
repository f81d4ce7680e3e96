CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT DEFAULT current_timestamp, gone TEXT DEFAULT null);
