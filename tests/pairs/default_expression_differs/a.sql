CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER DEFAULT (strftime('%s', 'now')));
