INSERT INTO docs (rowid, body) VALUES (1, 'hello');
SELECT rowid FROM docs WHERE docs MATCH 'hello';
INSERT INTO docs_content (id, note) VALUES (1, NULL);
SELECT * FROM docs_content;
