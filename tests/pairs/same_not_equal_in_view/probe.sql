INSERT INTO users (id, name, status) VALUES (1, 'ann', 'live'), (2, 'bob', 'gone'), (3, 'cy', NULL);
SELECT id, name FROM live ORDER BY id;
