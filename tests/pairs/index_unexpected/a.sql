CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, deleted_at TEXT);
