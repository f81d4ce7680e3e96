INSERT INTO docs_content (id, body) VALUES (1, 'hello world');
SELECT rowid FROM docs WHERE docs MATCH 'hello';
