INSERT INTO items (id, code, price) VALUES (1, 'c1', 1.5);
INSERT INTO items (id, code, price) VALUES (2, 'c1', 2);
INSERT INTO items (id, code, price) VALUES (3, NULL, 2);
INSERT INTO items (id, code, price) VALUES (4, NULL, 2);
INSERT INTO items (id, code, price) VALUES (5, 'c5', -1);
SELECT id, name, code, price, typeof(price) FROM items ORDER BY id;
