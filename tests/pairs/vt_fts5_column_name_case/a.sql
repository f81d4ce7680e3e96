-- Column names ignore case; only result column names keep it.
CREATE VIRTUAL TABLE docs USING fts5(Title, body);
