INSERT INTO users VALUES (1, 'ann', 1), (2, 'bob', 0);
SELECT * FROM live_users;
SELECT id, name FROM live_users;
