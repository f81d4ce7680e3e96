-- The FTS5 documentation gives these two spellings as the same prefix indexes.
CREATE VIRTUAL TABLE docs USING fts5(body, prefix='2 3');
