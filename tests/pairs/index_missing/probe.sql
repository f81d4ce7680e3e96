INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');
SELECT id FROM users INDEXED BY users_name WHERE name = 'bob';
SELECT id FROM users WHERE name = 'bob';
