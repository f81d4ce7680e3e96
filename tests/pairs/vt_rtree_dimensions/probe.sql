INSERT INTO boxes VALUES (1, 0, 5, 0, 5);
SELECT * FROM boxes;
SELECT id FROM boxes WHERE min_x >= 0 AND max_y <= 5;
