INSERT INTO people (id, name) VALUES (1, 'bob'), (2, 'Ann'), (3, 'ann '), (4, 'ann'), (5, 'Bob');
SELECT id FROM people INDEXED BY people_name;
EXPLAIN QUERY PLAN SELECT id FROM people WHERE name = 'ann';
