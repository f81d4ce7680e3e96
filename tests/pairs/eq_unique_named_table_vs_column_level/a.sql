-- A constraint's name is not behaviour: only an info-level difference.
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, CONSTRAINT uq_email UNIQUE (email));
