INSERT INTO pairs (a, b) VALUES ('x', '1');
INSERT INTO pairs (a, b) VALUES ('x', '2');
INSERT INTO pairs (a, b) VALUES ('y', '1');
SELECT a, b FROM pairs ORDER BY a, b;
