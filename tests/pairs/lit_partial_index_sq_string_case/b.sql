CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, st TEXT);
CREATE INDEX users_live ON users (email) WHERE st = 'LIVE';
