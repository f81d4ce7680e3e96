CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, name TEXT);
