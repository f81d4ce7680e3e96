-- b.sql rebuilds the old way (rename the old table away first): since SQLite 3.26 the
-- rename rewrites posts' REFERENCES to "old_users", which is then dropped.
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
