-- SQLAlchemy writes `id INTEGER NOT NULL, PRIMARY KEY (id)`: NOT NULL on a rowid alias
-- changes nothing (inserting NULL still allocates the next rowid).
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
