INSERT INTO users (id, name, active) VALUES (1, 'ann', 1);
UPDATE users SET name = 'anne' WHERE id = 1;
SELECT id, name, active FROM users;
-- The WHEN clause reads new.active: a migration dropping that column fails where it is present.
ALTER TABLE users DROP COLUMN active;
