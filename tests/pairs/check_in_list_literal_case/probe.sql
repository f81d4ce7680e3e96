INSERT INTO stock (id, kind) VALUES (1, 'a');
INSERT INTO stock (id, kind) VALUES (2, 'b');
INSERT INTO stock (id, kind) VALUES (3, 'B');
SELECT id, kind FROM stock ORDER BY id;
