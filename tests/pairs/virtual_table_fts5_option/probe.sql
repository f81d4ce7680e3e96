INSERT INTO docs (rowid, title, body) VALUES (1, 'alpha', 'beta gamma');
SELECT rowid, title FROM docs WHERE docs MATCH 'gamma';
SELECT id, typeof(sz) FROM docs_docsize;
