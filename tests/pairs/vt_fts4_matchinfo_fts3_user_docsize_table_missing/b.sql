CREATE VIRTUAL TABLE docs USING fts4(body, matchinfo=fts3);
