INSERT INTO people VALUES (1, 'ann');
INSERT INTO people VALUES (2, 'ANN');
INSERT INTO people VALUES (3, 'ann ');
SELECT * FROM people ORDER BY id;
