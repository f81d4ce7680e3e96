-- VARCHAR(10) has TEXT affinity; the length is ignored.
CREATE TABLE codes (id INTEGER PRIMARY KEY, code TEXT);
CREATE VIEW code_values AS SELECT id, CAST(id AS VARCHAR(10)) AS v FROM codes;
