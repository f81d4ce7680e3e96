INSERT INTO members (team, person) VALUES (1, 1);
INSERT INTO members (team, person) VALUES (1, 1);
INSERT INTO members (team, person) VALUES (1, 2);
SELECT team, person FROM members ORDER BY team, person;
