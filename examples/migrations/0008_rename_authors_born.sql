-- 0008: authors.born -> authors.birth_year
--
-- "born" was ambiguous (people kept entering full dates). Needs SQLite >= 3.25.

ALTER TABLE authors RENAME COLUMN born TO birth_year;
