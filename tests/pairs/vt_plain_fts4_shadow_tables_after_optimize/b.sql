CREATE VIRTUAL TABLE notes USING fts4(body);
INSERT INTO notes (body) VALUES ('hello'), ('world');
INSERT INTO notes (notes) VALUES ('optimize');
DELETE FROM notes;
