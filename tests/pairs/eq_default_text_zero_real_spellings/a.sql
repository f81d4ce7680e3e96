-- Both are REAL 0.0 before TEXT affinity renders them, so both store '0.0'.
CREATE TABLE m (id INTEGER PRIMARY KEY, v TEXT DEFAULT 0.00);
