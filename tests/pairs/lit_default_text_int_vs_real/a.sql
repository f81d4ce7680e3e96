-- TEXT affinity keeps the spelling of the number: '1' against '1.0'.
CREATE TABLE m (id INTEGER PRIMARY KEY, v TEXT DEFAULT 1);
