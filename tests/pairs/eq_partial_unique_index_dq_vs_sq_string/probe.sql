INSERT INTO users (id, email, st) VALUES (1, 'a@x', 'active');
INSERT INTO users (id, email, st) VALUES (2, 'a@x', 'active');
INSERT INTO users (id, email, st) VALUES (3, 'b@x', 'Active');
INSERT INTO users (id, email, st) VALUES (4, 'b@x', 'Active');
SELECT id, email, st FROM users ORDER BY id;
