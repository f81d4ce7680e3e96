CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT, qty INTEGER);
CREATE VIEW v_items AS SELECT id, sku FROM main.items WHERE qty > 0;
