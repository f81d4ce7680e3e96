INSERT INTO t (id, name) VALUES (1, 'ann');
INSERT INTO t (id, name) VALUES (2, '');
INSERT INTO t (id, name) VALUES (3, NULL);
SELECT id FROM t INDEXED BY t_name WHERE name = 'ann';
SELECT nm FROM t;
