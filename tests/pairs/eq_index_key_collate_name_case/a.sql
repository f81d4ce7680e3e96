CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
CREATE UNIQUE INDEX people_name ON people (name COLLATE NoCase);
