INSERT INTO items (id, qty) VALUES (1, '5');
INSERT INTO items (id, qty) VALUES (2, '2.0');
INSERT INTO items (id, qty) VALUES (3, 'many');
SELECT id, qty, typeof(qty) FROM items ORDER BY id;
