INSERT INTO users (id, email, handle) VALUES (1, 'a@x', 'ann');
INSERT INTO users (id, email, handle) VALUES (2, 'a@x', 'bob');
INSERT INTO users (id, email, handle) VALUES (3, 'c@x', 'ann');
INSERT INTO users (id, email, handle) VALUES (4, 'd@x', 'dee');
SELECT id, email, handle FROM users ORDER BY id;
