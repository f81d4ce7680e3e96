INSERT INTO flags (id) VALUES (1);
SELECT id, flag, typeof(flag) FROM flags;
