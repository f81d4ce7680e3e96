CREATE VIRTUAL TABLE boxes USING rtree(id, Min_X, Max_X, min_y, max_y);
