INSERT INTO users (id, name, status) VALUES (1, 'ann', 'live');
INSERT INTO users (id, name, status) VALUES (2, 'bob', 'gone');
INSERT INTO users (id, name, status) VALUES (3, 'cy', NULL);
SELECT id, status FROM users ORDER BY id;
