-- Unary + removes the column's affinity: x <> '1' compares as integers, +x <> '1' compares 1 with the text '1'.
CREATE TABLE flags (id INTEGER PRIMARY KEY, x INTEGER CHECK (x <> '1'));
