INSERT INTO docs (title, body) VALUES ('x', 'needle');
SELECT rowid FROM docs WHERE docs MATCH 'needle';
