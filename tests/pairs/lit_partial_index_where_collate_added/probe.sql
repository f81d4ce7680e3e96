INSERT INTO people VALUES (1, 'ann', 'live');
INSERT INTO people VALUES (2, 'ann', 'LIVE');
SELECT id FROM people ORDER BY id;
