INSERT INTO users (id, email, deleted_at) VALUES (1, 'a@x', NULL), (2, 'b@x', '2024-01-01');
SELECT id FROM users INDEXED BY users_live WHERE email = 'a@x' AND deleted_at IS NULL;
SELECT id FROM users INDEXED BY users_live WHERE email = 'b@x' AND deleted_at IS NOT NULL;
