CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO docs_content VALUES (7, 'seed');
INSERT INTO docs (docs) VALUES ('rebuild');
