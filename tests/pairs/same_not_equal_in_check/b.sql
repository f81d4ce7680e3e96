CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, status TEXT, CHECK (status != 'gone'));
