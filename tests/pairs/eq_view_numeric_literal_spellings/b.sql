CREATE TABLE m (id INTEGER PRIMARY KEY, price REAL);
CREATE VIEW cents AS SELECT id, price * 1e2 AS c, - 1 AS neg FROM m;
