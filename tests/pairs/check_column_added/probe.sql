INSERT INTO stock (id, qty) VALUES (1, 5);
INSERT INTO stock (id, qty) VALUES (2, -1);
SELECT id, qty FROM stock ORDER BY id;
