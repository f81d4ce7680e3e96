CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT, lang TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
