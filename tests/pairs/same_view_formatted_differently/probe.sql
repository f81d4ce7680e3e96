INSERT INTO users (id, name, active) VALUES (1, 'ann', 1), (2, 'bob', 1), (3, 'cy', 0);
INSERT INTO audit (id, what) VALUES (1, 'ann'), (2, 'bob'), (3, 'bob'), (4, 'cy');
SELECT * FROM recent;
SELECT id, name, n FROM recent WHERE n > 1;
