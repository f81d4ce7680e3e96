CREATE TABLE docs_content (docid INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts4(content='docs_content', body);
