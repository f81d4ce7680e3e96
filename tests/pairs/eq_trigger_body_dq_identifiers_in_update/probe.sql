INSERT INTO stock (id, qty) VALUES (1, 1);
UPDATE stock SET qty = 2;
UPDATE stock SET qty = 3;
SELECT id, qty, touched FROM stock;
