-- 0004: shelf_items
--
-- Which book is on which shelf. Pure link table, so WITHOUT ROWID.
-- The book reference is deferred so the importer can insert shelf items
-- before the books they point to inside one transaction.

CREATE TABLE shelf_items (
    shelf_id  INTEGER NOT NULL
              REFERENCES shelves (id) ON DELETE CASCADE,
    book_id   INTEGER NOT NULL
              REFERENCES books (id) ON DELETE CASCADE
              DEFERRABLE INITIALLY DEFERRED,
    added_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    note      TEXT,
    PRIMARY KEY (shelf_id, book_id)
) WITHOUT ROWID;

-- "Which shelves is this book on?"
CREATE INDEX idx_shelf_items_book ON shelf_items (book_id);
