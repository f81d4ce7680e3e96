-- 0003: shelves
--
-- User-defined lists ("to read", "favourites", ...). AUTOINCREMENT so that
-- shelf ids are never reused: the mobile client caches them.

create table shelves (
    id          integer primary key autoincrement,
    owner       text    not null default 'me',
    name        text    not null,
    position    integer not null default 0,
    created_at  integer not null default (strftime('%s', 'now')),
    unique (owner, name)
);
