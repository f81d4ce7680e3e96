create table users (
    id integer primary key autoincrement,
    email varchar(255) not null,
    name varchar(100) not null,
    created_at datetime not null default current_timestamp
);
create unique index users_email_unique on users (email);

create table teams (
    id integer primary key autoincrement,
    name varchar(100) not null
);
create unique index teams_name_unique on teams (name);

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
    status text not null default 'draft',
    is_pinned boolean not null default 0,
    created_at datetime not null default current_timestamp,
    check (status in ('draft', 'published', 'archived'))
);
create index posts_user_id_index on posts (user_id);

create table tags (
    id integer primary key autoincrement,
    name varchar(50) not null
);
create unique index tags_name_unique on tags (name);

create table post_tags (
    post_id integer not null references posts on delete cascade,
    tag_id integer not null references tags on delete cascade,
    primary key (post_id, tag_id)
);
create index post_tags_tag_id_index on post_tags (tag_id);
