CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, status TEXT);
CREATE INDEX users_live ON users (name) WHERE status != 'gone';
