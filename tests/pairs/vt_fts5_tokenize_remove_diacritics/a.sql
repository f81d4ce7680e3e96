CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 2');
