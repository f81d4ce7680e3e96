INSERT INTO users (id, name) VALUES (1, 'bob'), (2, 'ann'), (3, 'cy');
SELECT name FROM users INDEXED BY users_name WHERE name > '';
SELECT name FROM users ORDER BY name;
