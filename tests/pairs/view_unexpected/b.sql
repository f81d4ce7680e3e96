CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);
CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;
