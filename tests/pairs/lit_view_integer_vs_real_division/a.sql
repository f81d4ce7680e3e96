-- Integer division: 5 / 2 is 2, 5 / 2.0 is 2.5.
CREATE TABLE m (id INTEGER PRIMARY KEY, qty INTEGER);
CREATE VIEW halves AS SELECT id, qty / 2 AS half FROM m;
