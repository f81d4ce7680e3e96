INSERT INTO events (id) VALUES (1);
SELECT typeof(at), length(at), at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]' FROM events;
