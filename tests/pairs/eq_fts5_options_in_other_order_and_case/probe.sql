INSERT INTO notes VALUES (1, 'hello world'), (2, 'bye');
INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'hello';
