CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0));
CREATE INDEX t_name ON t (name);
