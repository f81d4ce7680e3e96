INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO scratch (id, note) VALUES (1, 'x');
SELECT id, note FROM scratch;
