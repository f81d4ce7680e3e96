INSERT INTO notes (docid, body) VALUES (100, 'hello');
SELECT docid FROM notes WHERE notes MATCH 'hello';
