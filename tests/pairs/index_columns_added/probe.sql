INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x'), (2, 'ann', 'b@x');
EXPLAIN QUERY PLAN SELECT id FROM users WHERE name = 'ann' AND email = 'b@x';
SELECT id FROM users INDEXED BY users_lookup WHERE name = 'ann' AND email = 'b@x';
