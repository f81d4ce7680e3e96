CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
CREATE VIEW by_name AS SELECT id, name FROM people ORDER BY name, id;
