CREATE VIRTUAL TABLE docs USING fts4(content='docs_content', body);
