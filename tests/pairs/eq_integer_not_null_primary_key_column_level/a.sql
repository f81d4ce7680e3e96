-- NULL into an INTEGER PRIMARY KEY allocates the next rowid; NOT NULL cannot fire.
CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT);
