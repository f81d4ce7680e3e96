-- 0001: authors
--
-- One row per author. Names are compared case-insensitively so that
-- "Ursula K. Le Guin" and "ursula k. le guin" are treated as the same person
-- when we look them up from the import screen.

CREATE TABLE authors (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE,
    born        INTEGER,                 -- year only, may be unknown
    country     TEXT    DEFAULT 'unknown',
    created_at  TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_authors_name ON authors (name);
