-- DEFAULT "Plain" stores the string 'Plain'.
CREATE TABLE items (id INTEGER PRIMARY KEY, kind TEXT DEFAULT "Plain");
