-- Posts and their tags.
create table posts (
    id integer primary key autoincrement,
    user_id integer not null references users on delete cascade,
    title varchar not null,
    body text,
    status varchar not null default 'draft'
        check (status in ('draft', 'published', 'archived')),
    created_at datetime(6) not null default current_timestamp,
    updated_at datetime(6) not null default current_timestamp
);
create index index_posts_on_user_id on posts (user_id);

create table tags (
    id integer primary key autoincrement,
    name varchar not null
);
create unique index index_tags_on_name on tags (name);

create table post_tags (
    post_id integer not null references posts on delete cascade,
    tag_id integer not null references tags on delete cascade,
    primary key (post_id, tag_id)
);
create index index_post_tags_on_tag_id on post_tags (tag_id);
