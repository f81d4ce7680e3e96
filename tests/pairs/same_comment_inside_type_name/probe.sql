INSERT INTO prices (id, amount, label) VALUES (1, '1.50', 'abcdefghijklmnop');
INSERT INTO prices (id, amount, label) VALUES (2, '3', 12);
SELECT id, amount, typeof(amount), label, typeof(label) FROM prices ORDER BY id;
