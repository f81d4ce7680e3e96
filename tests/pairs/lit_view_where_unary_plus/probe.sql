INSERT INTO flags VALUES (1, 1), (2, '1'), (3, 2);
SELECT id FROM ones ORDER BY id;
