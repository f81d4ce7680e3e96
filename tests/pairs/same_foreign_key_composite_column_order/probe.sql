INSERT INTO p (x, y) VALUES ('x1', 'y1');
INSERT INTO c (a, b) VALUES ('x1', 'y1');
INSERT INTO c (a, b) VALUES ('y1', 'x1');
DELETE FROM p;
SELECT a, b FROM c ORDER BY a;
