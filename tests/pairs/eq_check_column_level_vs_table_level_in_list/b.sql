CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT NOT NULL, total INTEGER, CHECK (st IN ('new', 'paid', 'shipped')));
