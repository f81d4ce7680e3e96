INSERT INTO people VALUES (1, 'ROOT'), (2, 'Root'), (3, 'roots');
SELECT who FROM log ORDER BY id;
