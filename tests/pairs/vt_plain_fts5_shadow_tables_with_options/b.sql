CREATE VIRTUAL TABLE docs USING fts5(title, body, detail=column, prefix='2');
INSERT INTO docs (title, body) VALUES ('t', 'alpha beta');
INSERT INTO docs (docs) VALUES ('optimize');
DELETE FROM docs;
