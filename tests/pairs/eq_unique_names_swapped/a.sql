CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, handle TEXT, CONSTRAINT uq_a UNIQUE (email), CONSTRAINT uq_b UNIQUE (handle));
