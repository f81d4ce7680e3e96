INSERT INTO orders (id, code) VALUES (1, 'Abc');
INSERT INTO orders (id, code) VALUES (2, 'abc');
SELECT id, code FROM orders ORDER BY id;
