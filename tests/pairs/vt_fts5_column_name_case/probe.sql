INSERT INTO docs (title, body) VALUES ('x y', 'z');
SELECT rowid FROM docs WHERE docs MATCH 'title: x';
SELECT title, body FROM docs WHERE title MATCH 'y';
