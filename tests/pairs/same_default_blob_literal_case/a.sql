CREATE TABLE files (id INTEGER PRIMARY KEY, magic BLOB DEFAULT x'cafe', flag BLOB CHECK (flag <> x'00ff'));
