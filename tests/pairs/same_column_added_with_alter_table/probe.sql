INSERT INTO parent (id, code) VALUES (1, 'p');
INSERT INTO t (id, email, parent_id) VALUES (1, 'Ann@x', 1);
INSERT INTO t (id, email) VALUES (2, 'nope');
INSERT INTO t (id, parent_id) VALUES (3, 99);
INSERT INTO t (id, name) VALUES (4, NULL);
SELECT id, name, typeof(name), email, parent_id FROM t ORDER BY id;
SELECT id FROM t WHERE email = 'ANN@X';
DELETE FROM parent WHERE id = 1;
