INSERT INTO people VALUES (1, 'ann');
INSERT INTO people VALUES (2, 'ANN');
SELECT id, name FROM people ORDER BY name, id;
