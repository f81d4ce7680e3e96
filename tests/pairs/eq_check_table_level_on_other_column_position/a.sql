-- A column CHECK may name other columns; which column it is written on does not matter.
CREATE TABLE stock (id INTEGER PRIMARY KEY, lo INTEGER CHECK (lo <= hi), hi INTEGER);
