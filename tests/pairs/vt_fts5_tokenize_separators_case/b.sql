CREATE VIRTUAL TABLE docs USING fts5(body, tokenize="unicode61 separators 'x'");
