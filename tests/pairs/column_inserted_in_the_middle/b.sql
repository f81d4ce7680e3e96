CREATE TABLE users (id INTEGER PRIMARY KEY, nickname TEXT, name TEXT, email TEXT);
