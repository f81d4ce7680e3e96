INSERT INTO flags VALUES (1, 5);
INSERT INTO flags VALUES (2, '5');
SELECT id, code, typeof(code) FROM flags ORDER BY id;
