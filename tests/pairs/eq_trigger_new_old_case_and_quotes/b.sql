CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE latest (user_id INTEGER PRIMARY KEY, name TEXT);
CREATE TRIGGER users_latest AFTER UPDATE ON users BEGIN REPLACE INTO "LATEST" ("User_Id", "name") VALUES (NEW."ID", OLD.Name || '>' || New."NAME"); END;
