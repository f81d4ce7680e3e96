-- Only known statuses: rebuild posts with a CHECK on status.
pragma foreign_keys = off;
create table posts_new (
    id integer primary key autoincrement,
    user_id integer not null references users on delete cascade,
    title text not null,
    body text,
    status text not null default 'draft' check (status in ('draft','published','archived')),
    is_pinned integer not null default 0,
    created_at text not null default current_timestamp
);
insert into posts_new select * from posts;
drop table posts;
alter table posts_new rename to posts;
create index posts_user_id_idx on posts (user_id);
pragma foreign_keys = on;
