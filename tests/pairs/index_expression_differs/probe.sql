INSERT INTO users (id, email) VALUES (1, 'Ann@X'), (2, 'bob@x');
SELECT id FROM users WHERE lower(email) = 'ann@x';
EXPLAIN QUERY PLAN SELECT id FROM users WHERE lower(email) = 'ann@x';
EXPLAIN QUERY PLAN SELECT id FROM users WHERE upper(email) = 'ANN@X';
