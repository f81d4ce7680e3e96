-- Both give the UTC time as 'YYYY-MM-DD HH:MM:SS' text, once per statement.
CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT DEFAULT (datetime('now')));
