INSERT INTO a (id, x, y) VALUES (1, 'x1', 'y1'), (2, 'x2', 'y2');
INSERT INTO a (id, x, y) VALUES (3, 'x1', 'y3');
INSERT INTO b (id, a_id) VALUES (10, 1), (11, 2);
INSERT INTO b (id, a_id) VALUES (12, 99);
SELECT id, bid FROM ab ORDER BY bid;
DELETE FROM a WHERE id = 1;
SELECT id, a_id FROM b ORDER BY id;
SELECT id FROM a INDEXED BY a_x_y WHERE x = 'x2';
