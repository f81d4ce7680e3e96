CREATE VIRTUAL TABLE docs USING fts5(body, content='');
