CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, deleted_at TEXT);
CREATE UNIQUE INDEX users_live ON users ("Email") WHERE "DELETED_AT" IS NULL;
