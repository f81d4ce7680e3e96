INSERT INTO flags (id) VALUES (1);
INSERT INTO flags (id, on_) VALUES (2, NULL);
SELECT id, on_, typeof(on_), off_, typeof(off_) FROM flags ORDER BY id;
