CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);

create view recent as
  select U.ID, U."name", COUNT(*) as N
    from "users" as U
    join [audit] as A on (A.what = U.name)
   where U.active != 0
   group by U.id, U.name
   order by N desc;
