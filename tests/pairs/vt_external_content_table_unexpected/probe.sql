INSERT INTO docs_content (id, body) VALUES (1, 'hello world');
INSERT INTO docs_content (id, body) VALUES (2, NULL);
INSERT INTO docs (docs) VALUES ('rebuild');
SELECT rowid, body FROM docs WHERE docs MATCH 'hello';
SELECT id, body FROM docs_content ORDER BY id;
