CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT, CHECK (st <> 'Draft'));
