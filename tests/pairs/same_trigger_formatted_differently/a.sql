CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);
CREATE TRIGGER users_ins AFTER INSERT ON users FOR EACH ROW WHEN new.active = 1 BEGIN INSERT INTO audit (at, what) VALUES (datetime('now'), 'Insert: ' || new.name); UPDATE users SET name = trim(name) WHERE id = new.id; END;
