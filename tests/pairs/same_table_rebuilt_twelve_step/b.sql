CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');
CREATE INDEX users_name ON users (name);
-- https://www.sqlite.org/lang_altertable.html#otheralter
BEGIN;
CREATE TABLE new_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT COLLATE NOCASE, CHECK (length(name) > 0));
INSERT INTO new_users (id, name) SELECT id, name FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE INDEX users_email ON users (email);
COMMIT;
