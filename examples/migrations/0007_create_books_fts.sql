-- 0007: full-text search over book titles
--
-- External-content FTS5 table: the text lives in `books`, the index in
-- `books_fts`. The three triggers below keep the two in sync.

CREATE VIRTUAL TABLE books_fts USING fts5(
    title,
    content='books',
    content_rowid='id'
);

CREATE TRIGGER books_fts_ai AFTER INSERT ON books BEGIN
    INSERT INTO books_fts (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER books_fts_ad AFTER DELETE ON books BEGIN
    INSERT INTO books_fts (books_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;

-- An update is a delete of the old text followed by an insert of the new one.
CREATE TRIGGER books_fts_au AFTER UPDATE OF title ON books BEGIN
    INSERT INTO books_fts (books_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO books_fts (rowid, title) VALUES (new.id, new.title);
END;

-- Index the books that already exist.
INSERT INTO books_fts (books_fts) VALUES ('rebuild');
