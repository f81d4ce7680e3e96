INSERT INTO users (id, name) VALUES (1, 'ann');
SELECT id, name FROM users ORDER BY id;
SELECT tenant FROM users;
