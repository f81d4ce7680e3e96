INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO admins (id, name) VALUES (1, 'root');
SELECT id FROM users INDEXED BY by_name WHERE name = 'ann';
SELECT id FROM admins INDEXED BY by_name WHERE name = 'root';
