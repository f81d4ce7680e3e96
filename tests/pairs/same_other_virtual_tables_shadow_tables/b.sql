CREATE VIRTUAL TABLE notes USING fts4(body);
CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x);
INSERT INTO boxes VALUES (1, 0, 10);
INSERT INTO notes (body) VALUES ('hello');
