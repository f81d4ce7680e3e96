-- Posts and their tags.
create table tags (
    id integer primary key autoincrement,
    name varchar(50) not null unique
);

create table posts (
    id integer primary key autoincrement,
    title varchar(200) not null,
    body text,
    status varchar(10) not null default 'draft'
        check (status in ('draft', 'published', 'archived')),
    is_pinned bool not null default 0,
    created_at datetime not null default (strftime('%Y-%m-%d %H:%M:%f', 'NOW')),
    user_id bigint not null references users deferrable initially deferred
);
create index posts_user_id_4291758d on posts (user_id);

create table post_tags (
    id integer primary key autoincrement,
    post_id bigint not null references posts deferrable initially deferred,
    tag_id bigint not null references tags deferrable initially deferred
);
create unique index post_tags_post_id_tag_id_e786772a_uniq on post_tags (post_id, tag_id);
create index post_tags_post_id_2b0ee768 on post_tags (post_id);
create index post_tags_tag_id_eb42e8a6 on post_tags (tag_id);
