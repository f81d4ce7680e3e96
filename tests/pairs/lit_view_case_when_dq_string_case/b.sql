CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, st TEXT);
CREATE VIEW live_users AS SELECT id, CASE WHEN st = 'Active' THEN "yes" ELSE "No" END AS live FROM users;
