create table items (id integer primary key, name text not null default 'x', code varchar( 10 ), price real check (price >= 0));
create unique index items_code on items (code) where code is not null;
