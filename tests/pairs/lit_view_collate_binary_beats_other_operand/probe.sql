INSERT INTO p VALUES (1, 'abc', 'ABC'), (2, 'x', 'x');
SELECT * FROM same ORDER BY id;
