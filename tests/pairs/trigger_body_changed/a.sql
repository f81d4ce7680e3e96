CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);
CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit (at, what) VALUES (datetime('now'), 'insert'); END;
