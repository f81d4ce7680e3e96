CREATE TABLE flags (id INTEGER PRIMARY KEY, code TEXT, CHECK (+code <> 5));
