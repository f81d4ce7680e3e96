-- A contentless fts5 (content='') has no docs_content shadow table: this docs_content is the user's own table.
CREATE VIRTUAL TABLE docs USING fts5(body, content='');
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, note TEXT);
