CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, uid INTEGER, total INTEGER);
CREATE VIEW buyers AS SELECT users.name FROM users WHERE EXISTS (SELECT 1 FROM orders WHERE orders.uid = users.id AND orders.total > 10);
