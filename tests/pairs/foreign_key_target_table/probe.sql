INSERT INTO parent (id, code) VALUES (1, 'a');
INSERT INTO other_parent (id) VALUES (2);
INSERT INTO child (id, parent_id) VALUES (1, 1);
INSERT INTO child (id, parent_id) VALUES (2, 2);
SELECT id, parent_id FROM child ORDER BY id;
