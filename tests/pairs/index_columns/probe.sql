INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x');
EXPLAIN QUERY PLAN SELECT id FROM users WHERE name = 'ann';
EXPLAIN QUERY PLAN SELECT id FROM users WHERE email = 'a@x';
SELECT id FROM users INDEXED BY users_lookup WHERE name = 'ann';
