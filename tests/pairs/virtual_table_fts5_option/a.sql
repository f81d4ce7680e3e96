-- columnsize=0 also drops the docs_docsize shadow table: only the arguments change.
CREATE VIRTUAL TABLE docs USING fts5(title, body);
