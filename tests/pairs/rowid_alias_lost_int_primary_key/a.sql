-- INT PRIMARY KEY is not a rowid alias; the declared type differs as well.
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
