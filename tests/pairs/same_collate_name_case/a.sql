CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT COLLATE nocase, handle TEXT COLLATE rtrim);
CREATE INDEX users_email ON users (email COLLATE nocase);
