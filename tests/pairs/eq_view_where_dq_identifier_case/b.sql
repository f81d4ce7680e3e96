CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE VIEW live_users AS SELECT "ID", "Name" FROM users WHERE "Active" = 1;
