-- 0006: reading_sessions
--
-- Time tracking for the "reading stats" page. New tables are STRICT from now
-- on. Times are unix epoch seconds.

CREATE TABLE reading_sessions (
    id           INTEGER PRIMARY KEY,
    book_id      INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    pages_read   INTEGER NOT NULL DEFAULT 0,
    minutes      INTEGER GENERATED ALWAYS AS ((finished_at - started_at) / 60) STORED,
    CONSTRAINT pages_read_non_negative CHECK (pages_read >= 0),
    CHECK (finished_at IS NULL OR finished_at >= started_at)
) STRICT;

CREATE INDEX idx_reading_sessions_book ON reading_sessions (book_id, started_at);
