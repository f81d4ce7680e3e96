create table users (
    id integer primary key autoincrement,
    email varchar(255) not null collate nocase unique,
    name varchar(100) not null,
    created_at datetime not null default (datetime('now'))
);

create table teams (
    id integer primary key autoincrement,
    name varchar(100) not null unique
);

create table memberships (
    user_id integer not null references users on delete cascade,
    team_id integer not null references teams on delete cascade,
    role varchar(20) not null default 'member',
    primary key (user_id, team_id)
);

create table posts (
    id integer primary key autoincrement,
    user_id integer not null references users on delete cascade,
    title varchar(200) not null,
    body text,
    status varchar not null default 'draft',
    created_at datetime not null default (datetime('now')),
    check (status in ('draft', 'published', 'archived'))
);
create index IDX_posts_user_id on posts (user_id);

create table tags (
    id integer primary key autoincrement,
    name varchar(50) not null unique
);

create table post_tags (
    post_id integer not null references posts on delete cascade on update cascade,
    tag_id integer not null references tags on delete cascade on update cascade,
    primary key (post_id, tag_id)
);
create index IDX_5df4e8dc2cb3e668b962362265 on post_tags (post_id);
create index IDX_192ab488d1c284ac9abe2e3035 on post_tags (tag_id);
