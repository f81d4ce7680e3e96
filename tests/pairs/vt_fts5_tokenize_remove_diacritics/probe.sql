INSERT INTO docs (body) VALUES ('café crème');
SELECT rowid FROM docs WHERE docs MATCH 'cafe';
