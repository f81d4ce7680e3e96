-- Same text, different meaning: in b a column named closed is in scope, so "closed" is that column, not the string.
CREATE TABLE orders (id INTEGER PRIMARY KEY, st TEXT CHECK (st <> "closed"));
