-- b.sql fills sqlite_sequence and runs ANALYZE (sqlite_stat1): internal, never reported.
CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE INDEX jobs_name ON jobs (name);
