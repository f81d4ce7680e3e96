INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO users (id, name) VALUES (2, NULL);
UPDATE users SET name = NULL WHERE id = 1;
SELECT id, name FROM users ORDER BY id;
