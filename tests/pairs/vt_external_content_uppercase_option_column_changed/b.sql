CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts5(body, CONTENT='docs_content', Content_Rowid='id');
