INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x');
SELECT id, name FROM users;
INSERT INTO accounts (id, name, email) VALUES (1, 'ann', 'a@x');
SELECT id, name FROM accounts;
