CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x);
CREATE VIRTUAL TABLE notes USING fts4(body);
