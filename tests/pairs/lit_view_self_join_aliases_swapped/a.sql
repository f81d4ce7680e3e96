CREATE TABLE staff (id INTEGER PRIMARY KEY, name TEXT, boss INTEGER);
CREATE VIEW reports AS SELECT e.name AS employee, m.name AS manager FROM staff AS e JOIN staff AS m ON e.boss = m.id;
