INSERT INTO docs (rowid, title, body) VALUES (100, 'z', 'zeta omega');
SELECT rowid, title, body FROM docs WHERE docs MATCH 'zeta';
SELECT rowid FROM docs WHERE docs MATCH 'title:z';
DELETE FROM docs WHERE rowid = 100;
SELECT rowid FROM docs WHERE docs MATCH 'zeta';
