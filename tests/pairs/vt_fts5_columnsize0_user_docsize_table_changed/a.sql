-- fts5 with columnsize=0 makes no docs_docsize: this one is the user's table.
CREATE VIRTUAL TABLE docs USING fts5(body, columnsize=0);
CREATE TABLE docs_docsize (id INTEGER PRIMARY KEY, words INTEGER);
