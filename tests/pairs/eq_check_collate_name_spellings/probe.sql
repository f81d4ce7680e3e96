INSERT INTO people VALUES (1, 'ROOT');
INSERT INTO people VALUES (2, 'rooty');
SELECT * FROM people;
