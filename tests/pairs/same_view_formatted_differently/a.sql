CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);
CREATE VIEW recent AS SELECT u.id, u.name, count(*) AS n FROM users AS u JOIN audit AS a ON a.what = u.name WHERE u.active <> 0 GROUP BY u.id, u.name ORDER BY n DESC;
