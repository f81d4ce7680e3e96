INSERT INTO parent (id, code) VALUES (1, 'a');
INSERT INTO child (id, parent_id) VALUES (1, 1);
INSERT INTO child (id, parent_id) VALUES (2, 99);
DELETE FROM parent WHERE id = 1;
SELECT id, parent_id FROM child ORDER BY id;
