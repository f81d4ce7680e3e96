-- 0005: reviews
--
-- Star ratings (1-5) with an optional text body.

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CONSTRAINT rating_range CHECK (rating BETWEEN 1 AND 5),
    body        TEXT,
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Book page shows the newest reviews first.
CREATE INDEX idx_reviews_book_created ON reviews (book_id, created_at DESC);

-- Keep updated_at current. The WHEN clause stops the trigger from
-- firing again for its own UPDATE.
CREATE TRIGGER reviews_touch_updated_at
AFTER UPDATE ON reviews
FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE reviews SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
