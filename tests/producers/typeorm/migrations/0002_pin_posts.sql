alter table posts add column is_pinned boolean not null default 0;
