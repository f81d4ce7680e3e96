INSERT INTO boxes VALUES (1, 0.5, 5.5, 0, 5);
SELECT id, min_x, typeof(min_x) FROM boxes;
