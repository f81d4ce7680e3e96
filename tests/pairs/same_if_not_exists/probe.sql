INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');
SELECT name FROM names ORDER BY name;
SELECT id FROM users INDEXED BY users_name WHERE name = 'bob';
