CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
CREATE TRIGGER docs_content_ai AFTER INSERT ON docs_content BEGIN INSERT INTO docs (rowid, body) VALUES (new.id, new.body); END;
