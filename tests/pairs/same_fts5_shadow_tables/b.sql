CREATE VIRTUAL TABLE docs USING fts5 ( title ,  body );
INSERT INTO docs (title, body) VALUES ('a', 'alpha beta'), ('b', 'gamma');
INSERT INTO docs (docs) VALUES ('optimize');
