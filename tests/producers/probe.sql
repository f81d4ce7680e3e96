-- The default probe (a producer's own probe.sql replaces it). Every statement runs on the
-- database the producer's DDL builds and on the one its hand-written migrations build;
-- each outcome (rows, or the error's class) must be the same on both.

-- users: defaults, NOT NULL, unique email (case-insensitive where the producer can say so)
INSERT INTO users (email, name) VALUES ('Ada@Example.org', 'Ada');
SELECT id, email, name, typeof(created_at), length(created_at) FROM users;
INSERT INTO users (email, name) VALUES ('Ada@Example.org', 'Ada again');
INSERT INTO users (email, name) VALUES ('ada@example.org', 'Ada in lower case');
INSERT INTO users (email, name) VALUES (NULL, 'Nobody');
INSERT INTO users (id, email, name) VALUES (NULL, 'bob@example.org', 'Bob');
SELECT email FROM users WHERE email = 'BOB@EXAMPLE.ORG';
SELECT email FROM users ORDER BY email;
SELECT email FROM users ORDER BY email COLLATE BINARY;
-- teams and memberships: unique names, the default role, one membership per pair
INSERT INTO teams (name) VALUES ('core');
INSERT INTO teams (name) VALUES ('core');
INSERT INTO teams (name) VALUES ('Core');
INSERT INTO memberships (user_id, team_id) VALUES (1, 1);
SELECT user_id, team_id, role FROM memberships;
INSERT INTO memberships (user_id, team_id) VALUES (1, 1);
INSERT INTO memberships (user_id, team_id) VALUES (99, 1);
INSERT INTO memberships (user_id, team_id) VALUES (NULL, 1);
-- posts: defaults, the status CHECK (case-sensitive), the foreign key
INSERT INTO posts (title, user_id) VALUES ('Hello', 1);
SELECT id, user_id, title, body, status, is_pinned, typeof(is_pinned), typeof(created_at), length(created_at) FROM posts;
INSERT INTO posts (title, user_id, status) VALUES ('Bad', 1, 'bogus');
INSERT INTO posts (title, user_id, status) VALUES ('Bad', 1, 'Draft');
INSERT INTO posts (title, user_id, status, is_pinned) VALUES ('Pinned', 1, 'published', 1);
INSERT INTO posts (title, user_id, is_pinned) VALUES ('Half pinned', 1, 2);
INSERT INTO posts (title, user_id) VALUES ('', 1);
INSERT INTO posts (title, user_id) VALUES ('Orphan', 42);
INSERT INTO posts (title, user_id) VALUES (NULL, 1);
SELECT id, title, status, is_pinned FROM posts ORDER BY id;
-- tags: unique, case-sensitive names; whether a deleted id is reused (AUTOINCREMENT)
INSERT INTO tags (name) VALUES ('news');
INSERT INTO tags (name) VALUES ('News');
INSERT INTO tags (name) VALUES ('news');
DELETE FROM tags WHERE name = 'News';
INSERT INTO tags (name) VALUES ('sport');
SELECT id, name FROM tags ORDER BY id;
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1);
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1);
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 77);
INSERT INTO post_tags (post_id, tag_id) VALUES (NULL, 1);
-- ON UPDATE: renumbering a tag that post_tags refers to
UPDATE tags SET id = 10 WHERE id = 1;
SELECT post_id, tag_id FROM post_tags;
-- DEFERRABLE INITIALLY DEFERRED or not: a child row before its parent, in one transaction
BEGIN;
INSERT INTO posts (title, user_id) VALUES ('Early', 5);
INSERT INTO users (id, email, name) VALUES (5, 'carol@example.org', 'Carol');
COMMIT;
SELECT id, user_id, title FROM posts WHERE title = 'Early';
-- ON DELETE: a user and what refers to them
DELETE FROM users WHERE id = 1;
SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM memberships), (SELECT count(*) FROM post_tags);
SELECT name, seq FROM sqlite_sequence ORDER BY name;
