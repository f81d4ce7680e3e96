-- Accounts: users, teams and who belongs to which team.
create table users (
    id integer primary key autoincrement,
    email varchar not null collate nocase,
    name varchar not null,
    created_at datetime(6) not null default current_timestamp,
    updated_at datetime(6) not null default current_timestamp
);
create unique index index_users_on_email on users (email);

create table teams (
    id integer primary key autoincrement,
    name varchar not null
);
create unique index index_teams_on_name on teams (name);

create table memberships (
    id integer primary key autoincrement,
    user_id integer not null references users on delete cascade,
    team_id integer not null references teams on delete cascade,
    role varchar not null default 'member'
);
create index index_memberships_on_user_id on memberships (user_id);
create index index_memberships_on_team_id on memberships (team_id);
create unique index index_memberships_on_user_id_and_team_id on memberships (user_id, team_id);
