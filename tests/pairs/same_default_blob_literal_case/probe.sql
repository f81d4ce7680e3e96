INSERT INTO files (id) VALUES (1);
INSERT INTO files (id, flag) VALUES (2, x'00FF');
INSERT INTO files (id, flag) VALUES (3, x'0100');
SELECT id, magic, typeof(magic), flag FROM files ORDER BY id;
