INSERT INTO pairs (a, b) VALUES ('x', '1'), ('y', '2');
INSERT INTO pairs (a, b) VALUES ('x', '1');
SELECT a, b FROM pairs INDEXED BY sqlite_autoindex_pairs_1 WHERE a = 'x';
EXPLAIN QUERY PLAN SELECT a, b FROM pairs WHERE a = 'x';
