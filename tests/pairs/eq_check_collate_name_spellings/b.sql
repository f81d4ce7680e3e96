CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT CHECK (name <> 'root' COLLATE "nocase"));
