CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, st TEXT);
CREATE VIEW live_users AS SELECT id, name FROM users WHERE st = "active";
