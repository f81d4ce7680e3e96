CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT, code TEXT CHECK (code GLOB '[a-z]*'));
