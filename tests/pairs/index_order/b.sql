CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, deleted_at TEXT);
CREATE INDEX users_name ON users (name DESC);
