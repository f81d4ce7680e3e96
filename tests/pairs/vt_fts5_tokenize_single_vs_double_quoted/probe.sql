INSERT INTO docs (body) VALUES ('running dogs'), ('ran away'), ('aXb'), ('axb');
SELECT rowid FROM docs WHERE docs MATCH 'run' ORDER BY rowid;
SELECT rowid FROM docs WHERE docs MATCH 'a' ORDER BY rowid;
SELECT rowid FROM docs WHERE docs MATCH 'dog*' ORDER BY rowid;
