INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO posts (id, user_id) VALUES (1, 1);
INSERT INTO posts (id, user_id) VALUES (2, 99);
SELECT id, user_id FROM posts ORDER BY id;
