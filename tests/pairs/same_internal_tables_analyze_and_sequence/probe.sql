INSERT INTO jobs (id, name) VALUES (10, 'p');
INSERT INTO jobs (name) VALUES ('q');
SELECT id, name FROM jobs WHERE id >= 10 ORDER BY id;
SELECT id FROM jobs INDEXED BY jobs_name WHERE name = 'q';
