-- NUMERIC affinity turns REAL 1.0 into INTEGER 1, so both defaults store INTEGER 1.
CREATE TABLE m (id INTEGER PRIMARY KEY, v NUMERIC DEFAULT 1);
