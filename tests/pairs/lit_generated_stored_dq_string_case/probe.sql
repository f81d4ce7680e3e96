INSERT INTO firms (id, name) VALUES (1, NULL);
SELECT id, label FROM firms;
