INSERT INTO stock VALUES (1, 10);
UPDATE stock SET qty = 3;
UPDATE stock SET qty = 7;
SELECT what, n FROM log ORDER BY id;
