-- users: defaults, NOT NULL, unique email (Prisma has no collation on SQLite: case-sensitive)
INSERT INTO users (email, name) VALUES ('Ada@Example.org', 'Ada');
SELECT id, email, name, typeof(created_at), length(created_at) FROM users;
INSERT INTO users (email, name) VALUES ('Ada@Example.org', 'Ada again');
INSERT INTO users (email, name) VALUES ('ada@example.org', 'Ada in lower case');
INSERT INTO users (email, name) VALUES (NULL, 'Nobody');
INSERT INTO users (id, email, name) VALUES (NULL, 'bob@example.org', 'Bob');
SELECT id, email FROM users WHERE email = 'BOB@EXAMPLE.ORG';
SELECT id, email FROM users ORDER BY email;
-- teams and memberships: unique names, the default role, one membership per pair
INSERT INTO teams (name) VALUES ('core');
INSERT INTO teams (name) VALUES ('core');
INSERT INTO memberships (user_id, team_id) VALUES (1, 1);
SELECT user_id, team_id, role FROM memberships;
INSERT INTO memberships (user_id, team_id) VALUES (1, 1);
INSERT INTO memberships (user_id, team_id) VALUES (99, 1);
INSERT INTO memberships (user_id, team_id) VALUES (NULL, 1);
-- posts: defaults (no CHECK: Prisma writes none), the foreign key
INSERT INTO posts (title, user_id) VALUES ('Hello', 1);
SELECT id, status, is_pinned, typeof(is_pinned), body, typeof(created_at) FROM posts;
INSERT INTO posts (title, user_id, status) VALUES ('Anything goes', 1, 'bogus');
INSERT INTO posts (title, user_id, is_pinned) VALUES ('Pinned', 3, true);
INSERT INTO posts (title, user_id) VALUES ('Orphan', 42);
-- tags: unique names; AUTOINCREMENT never reuses an id
INSERT INTO tags (name) VALUES ('news');
INSERT INTO tags (name) VALUES ('News');
INSERT INTO tags (name) VALUES ('news');
DELETE FROM tags WHERE name = 'News';
INSERT INTO tags (name) VALUES ('sport');
SELECT id, name FROM tags ORDER BY id;
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1);
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1);
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 77);
-- ON UPDATE CASCADE: renumbering a tag follows into post_tags
UPDATE tags SET id = 10 WHERE id = 1;
SELECT post_id, tag_id FROM post_tags;
-- DEFERRABLE INITIALLY DEFERRED or not: a child row before its parent, in one transaction
BEGIN;
INSERT INTO posts (title, user_id) VALUES ('Early', 5);
INSERT INTO users (id, email, name) VALUES (5, 'carol@example.org', 'Carol');
COMMIT;
SELECT id, user_id, title FROM posts WHERE title = 'Early';
-- ON DELETE CASCADE (after 0002): a user takes their posts, memberships and post_tags along
DELETE FROM users WHERE id = 1;
SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM memberships), (SELECT count(*) FROM post_tags);
SELECT name, seq FROM sqlite_sequence ORDER BY name;
