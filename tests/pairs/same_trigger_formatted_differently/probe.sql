INSERT INTO users (id, name, active) VALUES (1, '  ann ', 1);
INSERT INTO users (id, name, active) VALUES (2, '  bob ', 0);
SELECT id, name FROM users ORDER BY id;
SELECT what FROM audit ORDER BY id;
