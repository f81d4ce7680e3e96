INSERT INTO parent (id, code) VALUES (1, 'a');
BEGIN;
INSERT INTO child (id, parent_id) VALUES (1, 2);
INSERT INTO parent (id, code) VALUES (2, 'b');
COMMIT;
SELECT id, parent_id FROM child ORDER BY id;
