INSERT INTO staff VALUES (1, 'boss', NULL), (2, 'ann', 1);
SELECT * FROM reports;
