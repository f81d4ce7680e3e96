INSERT INTO articles (id, body) VALUES (1, 'hello');
INSERT INTO docs (docs) VALUES ('rebuild');
SELECT rowid FROM docs WHERE docs MATCH 'hello';
SELECT lang FROM articles;
