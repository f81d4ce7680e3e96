INSERT INTO items (id, payload) VALUES (1, 42);
INSERT INTO items (id, payload) VALUES (2, '42');
INSERT INTO items (id, payload) VALUES (3, 1.5);
SELECT id, payload, typeof(payload) FROM items ORDER BY id;
