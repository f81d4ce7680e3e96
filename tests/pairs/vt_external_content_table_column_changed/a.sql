-- docs_content is a real table (fts5 content= points at it): its columns are compared like any table's.
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
