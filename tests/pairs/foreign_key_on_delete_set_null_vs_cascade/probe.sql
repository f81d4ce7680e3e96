INSERT INTO parent (id, code) VALUES (1, 'a'), (2, 'b');
INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 2);
DELETE FROM parent WHERE id = 1;
SELECT id FROM parent ORDER BY id;
SELECT id, parent_id FROM child ORDER BY id;
