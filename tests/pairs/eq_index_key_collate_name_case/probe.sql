INSERT INTO people VALUES (1, 'ann');
INSERT INTO people VALUES (2, 'ANN');
SELECT * FROM people;
EXPLAIN QUERY PLAN SELECT id FROM people WHERE name = 'x' COLLATE nocase;
