-- A query can use a partial index only when its WHERE implies the index's WHERE.
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, st TEXT);
CREATE INDEX users_live ON users (email) WHERE st = 'live';
