-- DEFAULT "" is the empty string, not NULL.
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT DEFAULT "");
