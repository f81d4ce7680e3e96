INSERT INTO docs (body) VALUES ('a b c');
SELECT rowid FROM docs WHERE docs MATCH '"a b"';
