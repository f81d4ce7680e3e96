CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT, kind TEXT, CHECK (kind IN ('a', 'B') OR st = 'Open'));
