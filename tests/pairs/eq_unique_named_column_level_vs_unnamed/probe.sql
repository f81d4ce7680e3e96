INSERT INTO users VALUES (1, 'a@x');
INSERT INTO users VALUES (2, 'a@x');
SELECT * FROM users ORDER BY id;
