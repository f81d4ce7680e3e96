-- DECIMAL(10,2) has NUMERIC affinity; precision and scale are ignored.
CREATE TABLE codes (id INTEGER PRIMARY KEY, code TEXT, amount AS (CAST(code AS NUMERIC)) STORED);
