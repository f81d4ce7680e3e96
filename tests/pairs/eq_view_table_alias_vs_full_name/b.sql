CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);
CREATE VIEW user_orders AS SELECT u.name, o.id AS order_id, o.total FROM users AS u JOIN orders AS o ON o.user_id = u.id;
