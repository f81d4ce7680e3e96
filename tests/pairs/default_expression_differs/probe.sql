INSERT INTO events (id) VALUES (1);
SELECT id, typeof(at) FROM events;
