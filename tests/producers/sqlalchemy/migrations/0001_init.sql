create table users (
    id integer primary key autoincrement,
    email varchar(255) not null collate nocase unique,
    name varchar(100) not null,
    created_at datetime not null default current_timestamp
);

create table teams (
    id integer primary key,
    name varchar(100) not null unique
);

create table tags (
    id integer primary key,
    name varchar(50) not null unique
);

create table memberships (
    user_id integer not null references users on delete cascade,
    team_id integer not null references teams on delete cascade,
    role varchar(20) not null default 'member',
    primary key (user_id, team_id)
);

create table posts (
    id integer primary key,
    user_id integer not null references users on delete cascade,
    title varchar(200) not null check (length(title) > 0),
    body text,
    status varchar(9) not null default 'draft'
        check (status in ('draft', 'published', 'archived')),
    is_pinned boolean not null default 0 check (is_pinned in (0, 1)),
    created_at datetime not null default current_timestamp
);
create index ix_posts_user_id on posts (user_id);

create table post_tags (
    post_id integer not null references posts on delete cascade,
    tag_id integer not null references tags on delete cascade,
    primary key (post_id, tag_id)
);
create index ix_post_tags_tag_id on post_tags (tag_id);
