INSERT INTO users (id, email) VALUES (1, 'Ann@x'), (2, 'ann@x'), (3, 'bob@x');
SELECT id FROM users WHERE email = 'ann@x' ORDER BY id;
SELECT id FROM users WHERE email = 'ann@x' COLLATE NOCASE ORDER BY id;
EXPLAIN QUERY PLAN SELECT id FROM users WHERE email = 'ann@x';
EXPLAIN QUERY PLAN SELECT id FROM users WHERE email = 'ann@x' COLLATE NOCASE;
