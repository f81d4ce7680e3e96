CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, st TEXT);
CREATE TABLE roles (user_id INTEGER, role TEXT);
CREATE VIEW live_users AS SELECT u.id, r.role FROM users u JOIN roles r ON r.user_id = u.id AND r.role = 'Admin';
