-- 0002: books
--
-- A book belongs to exactly one author (co-authors are out of scope for now).
-- Deleting an author removes their books.

CREATE TABLE books (
    id          INTEGER PRIMARY KEY,
    author_id   INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    isbn        TEXT,
    pages       INTEGER CHECK (pages > 0),
    language    TEXT    NOT NULL DEFAULT 'en',
    published   INTEGER,
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_books_author ON books (author_id);

-- Title search in the UI is case-insensitive.
CREATE INDEX idx_books_title_lower ON books (lower(title));

-- Many older books have no ISBN; only enforce uniqueness when present.
CREATE UNIQUE INDEX idx_books_isbn ON books (isbn) WHERE isbn IS NOT NULL;
