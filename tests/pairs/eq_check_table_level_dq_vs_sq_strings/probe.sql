INSERT INTO orders (id, st, kind) VALUES (1, 'x', 'a');
INSERT INTO orders (id, st, kind) VALUES (2, 'x', 'b');
INSERT INTO orders (id, st, kind) VALUES (3, 'Open', 'z');
INSERT INTO orders (id, st, kind) VALUES (4, 'open', 'z');
SELECT id, st, kind FROM orders ORDER BY id;
