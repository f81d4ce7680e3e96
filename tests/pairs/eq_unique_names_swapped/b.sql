CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, handle TEXT, CONSTRAINT uq_b UNIQUE (email), CONSTRAINT uq_a UNIQUE (handle));
