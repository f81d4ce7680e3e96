-- An index takes its column's collation, so the index really changes too.
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE);
CREATE INDEX users_email ON users (email);
