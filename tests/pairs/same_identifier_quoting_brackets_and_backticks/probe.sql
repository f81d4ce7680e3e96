INSERT INTO parent (id) VALUES (1);
INSERT INTO items (id, parent_id, qty) VALUES (1, 1, 20);
INSERT INTO items (id, parent_id, qty) VALUES (2, 1, 0);
INSERT INTO items (id, parent_id, qty) VALUES (3, 99, 5);
INSERT INTO items (id, parent_id, qty) VALUES (4, 1, 5);
SELECT id, qty FROM big ORDER BY id;
SELECT id FROM items INDEXED BY items_qty WHERE qty > 1 AND qty = 5;
DELETE FROM parent WHERE id = 1;
