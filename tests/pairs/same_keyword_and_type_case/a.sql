CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', code VARCHAR(10), price REAL CHECK (price >= 0));
CREATE UNIQUE INDEX items_code ON items (code) WHERE code IS NOT NULL;
