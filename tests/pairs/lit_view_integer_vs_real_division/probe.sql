INSERT INTO m VALUES (1, 5);
SELECT id, half, typeof(half) FROM halves;
