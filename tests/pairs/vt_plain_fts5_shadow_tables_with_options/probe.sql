INSERT INTO docs (title, body) VALUES ('a', 'alpha');
SELECT rowid > 0 FROM docs WHERE docs MATCH 'alp*';
SELECT count(*) FROM docs;
