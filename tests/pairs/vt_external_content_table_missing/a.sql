-- fts5 accepts a content= table that does not exist yet; the missing table is still a missing table.
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
