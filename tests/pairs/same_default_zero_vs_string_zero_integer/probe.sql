INSERT INTO flags (id) VALUES (1);
SELECT flag, typeof(flag) FROM flags;
