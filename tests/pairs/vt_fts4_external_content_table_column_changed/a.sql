-- fts4 with content= makes no docs_content shadow table: this one is the user's table.
CREATE TABLE docs_content (docid INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE docs USING fts4(content='docs_content', body);
