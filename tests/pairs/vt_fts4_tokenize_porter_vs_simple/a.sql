CREATE VIRTUAL TABLE docs USING fts4(body, tokenize=porter);
