INSERT INTO people (id, name) VALUES (1, 'bob'), (2, 'Ann'), (3, 'ann '), (4, 'ann'), (5, 'Bob');
SELECT * FROM by_name;
SELECT id FROM people WHERE name = 'ANN';
