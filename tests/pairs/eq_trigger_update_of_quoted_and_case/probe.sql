INSERT INTO users VALUES (1, 'ann', 'a@x');
UPDATE users SET name = 'anne' WHERE id = 1;
SELECT * FROM latest;
UPDATE users SET email = 'b@x' WHERE id = 1;
SELECT * FROM latest;
UPDATE users SET name = 'annie' WHERE id = 1;
SELECT * FROM latest;
