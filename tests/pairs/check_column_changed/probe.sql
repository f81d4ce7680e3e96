INSERT INTO stock (id, qty) VALUES (1, 5);
INSERT INTO stock (id, qty) VALUES (2, 0);
INSERT INTO stock (id, qty) VALUES (3, -1);
SELECT id, qty FROM stock ORDER BY id;
