CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, deleted_at TEXT);
CREATE TABLE admins (id INTEGER PRIMARY KEY, name TEXT);
CREATE INDEX by_name ON users (name);
