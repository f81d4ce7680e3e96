INSERT INTO items (id, sku) VALUES (1, '42');
INSERT INTO items (id, sku) VALUES (2, 42);
INSERT INTO items (id, sku) VALUES (3, 'A-1');
SELECT id, sku, typeof(sku) FROM items ORDER BY id;
SELECT id FROM items WHERE sku = 42 ORDER BY id;
