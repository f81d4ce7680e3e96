INSERT INTO firms (id, name) VALUES (1, NULL), (2, 'x');
SELECT id, label FROM firms ORDER BY id;
