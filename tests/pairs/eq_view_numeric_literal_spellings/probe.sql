INSERT INTO m VALUES (1, 2.5);
SELECT id, c, typeof(c), neg FROM cents;
