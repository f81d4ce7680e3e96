INSERT INTO parent (id, code) VALUES (10, 'p10');
INSERT INTO child (id, parent_id, note) VALUES (10, 10, 'ok');
INSERT INTO child (id, parent_id, note) VALUES (11, 99, 'orphan');
INSERT INTO parent (id, code) VALUES (11, 'p10');
DELETE FROM parent WHERE id = 10;
SELECT id, parent_id, note FROM child WHERE id >= 10 ORDER BY id;
