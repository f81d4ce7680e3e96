CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT, qty INTEGER);
CREATE VIEW v_items AS SELECT items.id, items.sku FROM items WHERE items.qty > 0;
