CREATE VIRTUAL TABLE docs USING fts5(body, columnsize=0);
CREATE TABLE docs_docsize (id INTEGER PRIMARY KEY, words TEXT);
