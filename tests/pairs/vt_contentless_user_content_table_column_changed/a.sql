CREATE VIRTUAL TABLE docs USING fts5(body, content='');
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
