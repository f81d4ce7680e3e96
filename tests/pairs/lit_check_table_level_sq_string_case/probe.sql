INSERT INTO orders (id, st) VALUES (1, 'Draft');
INSERT INTO orders (id, st) VALUES (2, 'draft');
SELECT id, st FROM orders ORDER BY id;
