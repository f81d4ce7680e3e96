INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO orders VALUES (1, 1, 5), (2, 2, 50), (3, 3, 11);
SELECT * FROM buyers ORDER BY name;
