-- 0012: shelf_items -> shelf_entries
--
-- Matches the naming used in the API ("entries"). The view is dropped and
-- recreated around the rename so this also works with legacy_alter_table=ON.
-- (The index keeps its old name; renaming it is not worth a rebuild.)

DROP VIEW shelf_contents;

ALTER TABLE shelf_items RENAME TO shelf_entries;

CREATE VIEW shelf_contents AS
SELECT s.owner, s.name AS shelf, b.title, e.added_at
  FROM shelves s
  JOIN shelf_entries e ON e.shelf_id = s.id
  JOIN books b ON b.id = e.book_id;
