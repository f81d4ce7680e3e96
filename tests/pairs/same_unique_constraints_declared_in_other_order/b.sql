CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, handle TEXT, UNIQUE (handle), UNIQUE (email));
