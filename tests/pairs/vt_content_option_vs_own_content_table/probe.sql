INSERT INTO docs (rowid, body) VALUES (1, 'hello');
SELECT * FROM docs_content;
