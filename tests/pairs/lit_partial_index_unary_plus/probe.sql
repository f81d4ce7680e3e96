INSERT INTO flags VALUES (1, 'a', 1);
INSERT INTO flags VALUES (2, 'a', 1);
SELECT id FROM flags ORDER BY id;
