CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, CHECK (length(name) > 0));
CREATE INDEX users_email ON users (email) WHERE email IS NOT NULL;
CREATE VIEW named AS SELECT id, name FROM users;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET email = NULL WHERE id = new.id; END;
