CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, st TEXT);
CREATE UNIQUE INDEX people_live ON people (name) WHERE st = 'live';
