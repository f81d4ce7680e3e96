-- 0011: books.format
--
-- Track whether a copy is a paperback, hardcover, ebook or audiobook so the
-- shelf view can filter on it.

ALTER TABLE books ADD COLUMN format TEXT NOT NULL DEFAULT 'paperback'
    CHECK (format IN ('paperback', 'hardcover', 'ebook', 'audiobook'));

CREATE INDEX idx_books_format ON books (format);
