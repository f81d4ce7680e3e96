INSERT INTO codes (id, code) VALUES (1, '007');
INSERT INTO codes (id, code) VALUES (2, '1.50');
SELECT * FROM codes ORDER BY id;
SELECT id, norm, typeof(norm) FROM codes ORDER BY id;
