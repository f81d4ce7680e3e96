INSERT INTO stock (id, lo, hi) VALUES (1, 1, 5);
INSERT INTO stock (id, lo, hi) VALUES (2, 3, 3);
INSERT INTO stock (id, lo, hi) VALUES (3, 5, 1);
UPDATE stock SET lo = 9 WHERE id = 1;
SELECT id, lo, hi FROM stock ORDER BY id;
