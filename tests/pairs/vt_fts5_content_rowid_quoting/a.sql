CREATE TABLE src (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='src', content_rowid='id');
