CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE INDEX jobs_name ON jobs (name);
INSERT INTO jobs (name) VALUES ('a'), ('b'), ('c');
DELETE FROM jobs WHERE name = 'c';
ANALYZE;
