CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT DEFAULT current_timestamp);
