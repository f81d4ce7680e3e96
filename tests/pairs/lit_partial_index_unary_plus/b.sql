CREATE TABLE flags (id INTEGER PRIMARY KEY, code TEXT, x INTEGER);
CREATE UNIQUE INDEX flags_one ON flags (code) WHERE +x = '1';
