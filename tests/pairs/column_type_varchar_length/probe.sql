INSERT INTO items (id, sku) VALUES (1, 'ABCDEFGHIJKLMNO');
INSERT INTO items (id, sku) VALUES (2, 'ABCDEFGHIJKLMNOPQRSTUVWXY');
INSERT INTO items (id, sku) VALUES (3, 42);
SELECT id, sku, typeof(sku), length(sku) FROM items ORDER BY id;
