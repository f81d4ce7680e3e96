-- Separator characters are case-sensitive: 'aXb' is two tokens with X, one with x.
CREATE VIRTUAL TABLE docs USING fts5(body, tokenize="unicode61 separators 'X'");
