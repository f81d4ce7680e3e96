INSERT INTO src VALUES (5, 'running');
INSERT INTO docs (docs) VALUES ('rebuild');
SELECT rowid, body FROM docs WHERE docs MATCH 'running';
