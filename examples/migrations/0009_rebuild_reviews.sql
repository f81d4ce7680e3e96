-- 0009: reviews.body becomes NOT NULL DEFAULT ''
--
-- SQLite cannot add NOT NULL to an existing column, so this is the standard
-- 12-step table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter).
-- Existing NULL bodies become empty strings. The rebuild drops the old
-- table's index and trigger, so both are recreated below.

PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE new_reviews (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CONSTRAINT rating_range CHECK (rating BETWEEN 1 AND 5),
    body        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO new_reviews (id, book_id, rating, body, created_at, updated_at)
    SELECT id, book_id, rating, coalesce(body, ''), created_at, updated_at
    FROM reviews;

DROP TABLE reviews;

ALTER TABLE new_reviews RENAME TO reviews;

CREATE INDEX idx_reviews_book_created ON reviews (book_id, created_at DESC);

CREATE TRIGGER reviews_touch_updated_at
AFTER UPDATE ON reviews
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE reviews SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

PRAGMA foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
