CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, UNIQUE (email));
