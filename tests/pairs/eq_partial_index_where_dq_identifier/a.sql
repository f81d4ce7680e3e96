CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, deleted_at TEXT);
CREATE UNIQUE INDEX users_live ON users (email) WHERE deleted_at IS NULL;
