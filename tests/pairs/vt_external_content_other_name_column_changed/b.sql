CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT, lang TEXT DEFAULT 'EN');
CREATE VIRTUAL TABLE docs USING fts5(body, content='articles', content_rowid='id');
