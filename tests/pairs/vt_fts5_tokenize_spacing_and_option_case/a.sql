-- FTS5 option names ignore case; the value may be bare or quoted.
CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter');
