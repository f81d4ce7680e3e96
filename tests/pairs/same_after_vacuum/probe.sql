INSERT INTO t (id, name) VALUES (100, 'zed'), (101, 'amy');
SELECT id, name FROM t INDEXED BY t_name WHERE name = 'zed';
UPDATE t SET name = 'zoe' WHERE id = 100;
SELECT id, name FROM t WHERE id >= 100 ORDER BY name;
