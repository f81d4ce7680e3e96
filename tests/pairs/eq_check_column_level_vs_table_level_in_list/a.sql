CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT NOT NULL CHECK (st IN ('new', 'paid', 'shipped')), total INTEGER);
