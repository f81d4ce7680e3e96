INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');
SELECT id FROM users INDEXED BY users_by_name WHERE name = 'bob';
SELECT id FROM users INDEXED BY idx_users_name WHERE name = 'bob';
