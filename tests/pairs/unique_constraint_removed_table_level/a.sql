CREATE TABLE members (team INTEGER, person INTEGER, UNIQUE (team, person));
