-- A bare or double-quoted column reference takes the column's declared name as the view column name: "Name" gives name.
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE VIEW live_users AS SELECT id, name FROM users WHERE active = 1;
