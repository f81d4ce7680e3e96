INSERT INTO t (id, qty) VALUES (1, 0);
INSERT INTO t (id, qty) VALUES (2, -1);
UPDATE t SET qty = -5 WHERE id = 1;
SELECT id, qty FROM t ORDER BY id;
