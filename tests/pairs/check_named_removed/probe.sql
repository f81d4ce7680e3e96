INSERT INTO stock (id, lo, hi) VALUES (1, 1, 5);
INSERT INTO stock (id, lo, hi) VALUES (2, 5, 1);
SELECT id, lo, hi FROM stock ORDER BY id;
