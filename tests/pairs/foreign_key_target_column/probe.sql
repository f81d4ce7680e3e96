INSERT INTO parent (id, code) VALUES (1, 'A'), (2, 'B');
INSERT INTO child (id, parent_ref) VALUES (1, '1');
INSERT INTO child (id, parent_ref) VALUES (2, 'B');
SELECT id, parent_ref FROM child ORDER BY id;
