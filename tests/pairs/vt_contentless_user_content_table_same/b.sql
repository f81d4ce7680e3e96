CREATE TABLE docs_content (id INTEGER PRIMARY KEY, note TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='');
INSERT INTO docs (rowid, body) VALUES (9, 'seed');
