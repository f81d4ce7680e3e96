CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE latest (user_id INTEGER PRIMARY KEY, name TEXT);
CREATE TRIGGER users_latest AFTER UPDATE ON users BEGIN INSERT OR REPLACE INTO latest (user_id, name) VALUES (new.id, new.name); END;
