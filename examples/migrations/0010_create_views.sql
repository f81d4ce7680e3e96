-- 0010: views for the dashboard
--
-- book_ratings:   one row per book with its average rating (NULL if unrated)
-- shelf_contents: flattened shelves for the export feature

create view book_ratings as
select b.id            as book_id,
       b.title         as title,
       a.name          as author,
       count(r.id)     as review_count,
       avg(r.rating)   as avg_rating
  from books b
  join authors a on a.id = b.author_id
  left join reviews r on r.book_id = b.id
 group by b.id;

create view shelf_contents as
select s.owner, s.name as shelf, b.title, si.added_at
  from shelves s
  join shelf_items si on si.shelf_id = s.id
  join books b on b.id = si.book_id;
