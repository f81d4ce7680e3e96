INSERT INTO users (name) VALUES ('ann');
INSERT INTO users (id, name) VALUES ('7', 'bob');
SELECT id, typeof(id), name FROM users ORDER BY name;
SELECT rowid = id FROM users ORDER BY name;
