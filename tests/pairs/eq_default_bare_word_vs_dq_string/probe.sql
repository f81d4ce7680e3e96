INSERT INTO items (id) VALUES (1);
INSERT INTO items (id, kind) VALUES (2, NULL);
SELECT id, kind, typeof(kind) FROM items ORDER BY id;
