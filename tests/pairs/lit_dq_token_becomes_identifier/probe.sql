INSERT INTO orders (id, st) VALUES (1, 'closed');
INSERT INTO orders (id, st) VALUES (2, 'open');
SELECT id, st FROM orders ORDER BY id;
