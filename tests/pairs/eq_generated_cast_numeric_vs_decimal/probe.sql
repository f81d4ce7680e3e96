INSERT INTO codes (id, code) VALUES (1, '007');
INSERT INTO codes (id, code) VALUES (2, '1.50');
SELECT * FROM codes ORDER BY id;
INSERT INTO codes (id, code) VALUES (3, '3.0');
SELECT id, amount, typeof(amount) FROM codes ORDER BY id;
