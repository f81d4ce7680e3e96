INSERT INTO jobs (name) VALUES ('a'), ('b'), ('c');
DELETE FROM jobs WHERE id = 3;
INSERT INTO jobs (name) VALUES ('d');
SELECT id, name FROM jobs ORDER BY id;
