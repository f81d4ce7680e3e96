-- STRING is not TEXT: it has NUMERIC affinity, so CAST('007' AS STRING) is the integer 7.
CREATE TABLE codes (id INTEGER PRIMARY KEY, code TEXT, norm AS (CAST(code AS TEXT)));
