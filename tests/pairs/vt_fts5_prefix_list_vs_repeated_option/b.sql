CREATE VIRTUAL TABLE docs USING fts5(body, prefix=2, prefix=3);
