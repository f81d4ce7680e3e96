CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);
create view user_orders as select u.name, o.id as order_id, o.total from users u
  left   outer
  join orders o on o.user_id = u.id;
