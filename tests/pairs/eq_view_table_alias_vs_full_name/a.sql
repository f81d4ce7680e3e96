CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);
CREATE VIEW user_orders AS SELECT users.name, orders.id AS order_id, orders.total FROM users JOIN orders ON orders.user_id = users.id;
