CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, status TEXT);
CREATE VIEW live AS SELECT id, name FROM users WHERE status <> 'gone';
