-- fts4 with matchinfo=fts3 makes no docs_docsize: this one is the user's table.
CREATE VIRTUAL TABLE docs USING fts4(body, matchinfo=fts3);
CREATE TABLE docs_docsize (id INTEGER PRIMARY KEY, n INTEGER);
