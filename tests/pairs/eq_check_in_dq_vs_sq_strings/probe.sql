INSERT INTO orders (id, st) VALUES (1, 'Active');
INSERT INTO orders (id, st) VALUES (2, 'active');
INSERT INTO orders (id, st) VALUES (3, 'Done');
SELECT id, st FROM orders ORDER BY id;
