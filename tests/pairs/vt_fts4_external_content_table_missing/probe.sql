INSERT INTO docs_content (body) VALUES ('hi there');
INSERT INTO docs (docs) VALUES ('rebuild');
SELECT rowid, body FROM docs WHERE docs MATCH 'hi';
INSERT INTO docs_content (body) VALUES (NULL);
