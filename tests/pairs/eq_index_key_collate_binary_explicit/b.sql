CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
CREATE INDEX people_name ON people (name);
