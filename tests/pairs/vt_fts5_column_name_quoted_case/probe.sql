INSERT INTO docs (body) VALUES ('x y');
SELECT rowid, body FROM docs WHERE docs MATCH 'body: x';
