-- The planner compares integer literals by value: an index on flags & 0x10 serves WHERE flags & 16.
CREATE TABLE m (id INTEGER PRIMARY KEY, flags INTEGER);
CREATE INDEX m_bit ON m (flags & 16);
