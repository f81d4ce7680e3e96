INSERT INTO people VALUES (1, 'ROOT');
INSERT INTO people VALUES (2, 'root  ');
SELECT * FROM people ORDER BY id;
