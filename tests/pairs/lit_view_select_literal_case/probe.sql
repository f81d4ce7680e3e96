INSERT INTO users (id, name, st) VALUES (1, 'ann', 'Active'), (2, 'bob', 'active'), (3, 'cy', 'ACTIVE');
SELECT * FROM live_users ORDER BY 1;
