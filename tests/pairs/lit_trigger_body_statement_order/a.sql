CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE latest (user_id INTEGER PRIMARY KEY, name TEXT);
CREATE TRIGGER users_latest AFTER UPDATE ON users BEGIN DELETE FROM latest WHERE user_id = new.id; INSERT INTO latest (user_id, name) SELECT new.id, new.name WHERE NOT EXISTS (SELECT 1 FROM latest); END;
