CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, st TEXT);
CREATE UNIQUE INDEX users_live_email ON users (email) WHERE st = "active";
