INSERT INTO tags (id, name) VALUES (1, 'red');
INSERT INTO tags (id, name) VALUES (2, 'red');
SELECT id, name FROM tags ORDER BY id;
