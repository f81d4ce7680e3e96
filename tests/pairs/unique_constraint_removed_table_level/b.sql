CREATE TABLE members (team INTEGER, person INTEGER);
