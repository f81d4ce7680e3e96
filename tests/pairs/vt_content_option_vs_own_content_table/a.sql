-- In b, docs_content is fts5's own shadow table (id, c0): the user's docs_content is missing.
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
