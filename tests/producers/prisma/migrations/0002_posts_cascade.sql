-- Deleting a user now deletes their posts: rebuild posts with ON DELETE CASCADE.
pragma foreign_keys = off;
create table posts_new (
    id integer primary key autoincrement,
    user_id integer not null references users on delete cascade on update cascade,
    title text not null,
    body text,
    status text not null default 'draft',
    is_pinned boolean not null default false,
    created_at datetime not null default current_timestamp
);
insert into posts_new select * from posts;
drop table posts;
alter table posts_new rename to posts;
create index posts_user_id_idx on posts (user_id);
pragma foreign_keys = on;
