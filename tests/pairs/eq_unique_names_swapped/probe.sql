INSERT INTO members VALUES (1, 'a@x', 'ann');
INSERT INTO members VALUES (2, 'a@x', 'bob');
INSERT INTO members VALUES (3, 'c@x', 'ann');
SELECT * FROM members ORDER BY id;
