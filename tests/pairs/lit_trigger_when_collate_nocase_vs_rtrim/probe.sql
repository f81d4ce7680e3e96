INSERT INTO people VALUES (1, 'ROOT'), (2, 'root  ');
SELECT who FROM log ORDER BY id;
