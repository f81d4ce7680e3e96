create table users (
    id integer primary key autoincrement,
    email text not null,
    name text not null,
    created_at datetime not null default current_timestamp
);
create unique index users_email_key on users (email);

create table teams (
    id integer primary key autoincrement,
    name text not null
);
create unique index teams_name_key on teams (name);

create table memberships (
    user_id integer not null references users on delete cascade on update cascade,
    team_id integer not null references teams on delete cascade on update cascade,
    role text not null default 'member',
    primary key (user_id, team_id)
);

create table posts (
    id integer primary key autoincrement,
    user_id integer not null references users on delete restrict on update cascade,
    title text not null,
    body text,
    status text not null default 'draft',
    is_pinned boolean not null default false,
    created_at datetime not null default current_timestamp
);
create index posts_user_id_idx on posts (user_id);

create table tags (
    id integer primary key autoincrement,
    name text not null
);
create unique index tags_name_key on tags (name);

create table post_tags (
    post_id integer not null references posts on delete cascade on update cascade,
    tag_id integer not null references tags on delete cascade on update cascade,
    primary key (post_id, tag_id)
);
