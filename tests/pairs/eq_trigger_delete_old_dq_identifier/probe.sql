INSERT INTO users VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x');
INSERT INTO latest VALUES (1, 'ann'), (2, 'bob');
DELETE FROM users WHERE id = 1;
SELECT * FROM latest;
