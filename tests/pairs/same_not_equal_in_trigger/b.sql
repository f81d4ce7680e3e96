CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, status TEXT);
CREATE TRIGGER users_upd AFTER UPDATE ON users WHEN new.status != old.status BEGIN UPDATE users SET name = NULL WHERE status != 'gone' AND id = new.id; END;
