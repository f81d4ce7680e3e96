INSERT INTO docs (rowid, title) VALUES (1, 'alpha');
INSERT INTO docs (rowid, title, body) VALUES (2, 'beta', 'gamma');
SELECT rowid, title FROM docs WHERE docs MATCH 'alpha';
SELECT rowid FROM docs WHERE docs MATCH 'gamma';
