INSERT INTO lines VALUES (1, 2, 1.5);
SELECT * FROM line_totals;
SELECT line, qty, price FROM line_totals;
