CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) without rowid, strict;
