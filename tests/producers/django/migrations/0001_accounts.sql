-- Accounts: users, teams and who belongs to which team.
create table users (
    id integer primary key autoincrement,
    email varchar(254) not null unique collate nocase,
    name varchar(100) not null,
    created_at datetime not null default (strftime('%Y-%m-%d %H:%M:%f', 'NOW'))
);

create table teams (
    id integer primary key autoincrement,
    name varchar(100) not null unique
);

create table memberships (
    id integer primary key autoincrement,
    role varchar(20) not null default 'member',
    team_id bigint not null references teams deferrable initially deferred,
    user_id bigint not null references users deferrable initially deferred,
    unique (user_id, team_id)
);
create index memberships_team_id_664db1b6 on memberships (team_id);
create index memberships_user_id_5a99f855 on memberships (user_id);
