INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
SELECT what FROM audit ORDER BY id;
-- A BEFORE trigger fires before the conflict is found and ignored; an AFTER trigger never fires.
INSERT OR IGNORE INTO users (id, name, active) VALUES (1, 'again', 1);
SELECT what FROM audit ORDER BY id;
SELECT id, name FROM users;
