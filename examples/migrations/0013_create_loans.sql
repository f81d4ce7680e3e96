-- 0013: loans
--
-- "Who did I lend this book to?" A loan is open while returned_on IS NULL.

CREATE TABLE loans (
    id           INTEGER PRIMARY KEY,
    book_id      INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    borrower     TEXT    NOT NULL COLLATE NOCASE,
    lent_on      TEXT    NOT NULL DEFAULT (date('now')),
    returned_on  TEXT,
    CONSTRAINT returned_after_lent CHECK (returned_on IS NULL OR returned_on >= lent_on)
);

-- Only open loans are ever looked up by book.
CREATE INDEX idx_loans_open ON loans (book_id) WHERE returned_on IS NULL;
