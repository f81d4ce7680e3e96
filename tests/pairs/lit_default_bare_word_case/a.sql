-- A bare word in DEFAULT is a string: DEFAULT Active stores 'Active'.
CREATE TABLE items (id INTEGER PRIMARY KEY, kind TEXT DEFAULT Active);
