-- docs_content is the user's table that docs indexes (content=), not a shadow table fts5 made; the shadow tables docs_data, _idx, _docsize, _config are never compared.
CREATE TABLE docs_content (id INTEGER PRIMARY KEY, body TEXT);
CREATE VIRTUAL TABLE docs USING fts5(body, content='docs_content', content_rowid='id');
