-- b.sql rebuilds the table the 12-step way; SQLite then stores CREATE TABLE "users".
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT COLLATE NOCASE, CHECK (length(name) > 0));
CREATE INDEX users_email ON users (email);
