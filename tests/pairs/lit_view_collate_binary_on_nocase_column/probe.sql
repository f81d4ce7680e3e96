INSERT INTO people VALUES (1, 'b'), (2, 'B'), (3, 'a'), (4, 'C');
SELECT * FROM by_name;
