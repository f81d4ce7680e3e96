INSERT INTO users (id, name, active) VALUES (1, 'ann', 1), (2, 'bob', 0);
SELECT id, name FROM active_users ORDER BY id;
