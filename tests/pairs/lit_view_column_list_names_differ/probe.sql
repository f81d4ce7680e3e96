INSERT INTO lines VALUES (1, 2, 1.5), (2, 1, 4.0);
SELECT * FROM line_totals ORDER BY 1;
SELECT line, amount FROM line_totals ORDER BY line;
