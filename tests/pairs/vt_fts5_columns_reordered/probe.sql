INSERT INTO docs VALUES ('x', 'y');
SELECT title, body FROM docs;
