-- FTS5 option names ignore case: CONTENT= is content=, so docs_content is the user's table.
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, CONTENT='docs_content', Content_Rowid='id');
