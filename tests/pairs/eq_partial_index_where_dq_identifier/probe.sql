INSERT INTO users VALUES (1, 'a@x', NULL);
INSERT INTO users VALUES (2, 'a@x', NULL);
INSERT INTO users VALUES (3, 'a@x', '2024-01-01');
SELECT id FROM users ORDER BY id;
