CREATE VIRTUAL TABLE boxes USING rtree_i32(id, min_x, max_x, min_y, max_y);
