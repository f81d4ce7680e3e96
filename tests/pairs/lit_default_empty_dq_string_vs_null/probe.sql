INSERT INTO notes (id) VALUES (1);
SELECT id, body, typeof(body) FROM notes;
