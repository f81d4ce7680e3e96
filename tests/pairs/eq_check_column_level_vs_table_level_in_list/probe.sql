INSERT INTO orders VALUES (1, 'new', 1);
INSERT INTO orders VALUES (2, 'New', 1);
SELECT * FROM orders ORDER BY id;
