INSERT INTO firms (id, name) VALUES (1, 'Acme');
SELECT id, label FROM firms;
