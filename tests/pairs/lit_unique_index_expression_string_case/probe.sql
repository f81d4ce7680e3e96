INSERT INTO tasks (id, st) VALUES (1, NULL);
INSERT INTO tasks (id, st) VALUES (2, 'new');
INSERT INTO tasks (id, st) VALUES (3, 'New');
SELECT id, st FROM tasks ORDER BY id;
