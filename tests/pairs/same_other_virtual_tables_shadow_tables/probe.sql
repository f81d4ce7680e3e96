INSERT INTO boxes VALUES (50, 100, 200);
SELECT id, min_x, max_x FROM boxes WHERE min_x >= 100;
INSERT INTO notes (docid, body) VALUES (100, 'zebra crossing');
SELECT docid, body FROM notes WHERE notes MATCH 'zebra';
