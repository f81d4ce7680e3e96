INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO orders VALUES (10, 1, 5), (11, 1, 7), (12, 3, 1);
SELECT * FROM user_orders ORDER BY 1, 2, 3;
