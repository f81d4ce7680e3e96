BEGIN;
--
-- Create model Tag
--
CREATE TABLE "tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE);
--
-- Create model Team
--
CREATE TABLE "teams" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL UNIQUE);
--
-- Create model User
--
CREATE TABLE "users" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "email" varchar(254) COLLATE NOCASE NOT NULL UNIQUE, "name" varchar(100) NOT NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL);
--
-- Create model Post
--
CREATE TABLE "posts" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "body" text NULL, "status" varchar(10) DEFAULT 'draft' NOT NULL, "is_pinned" bool DEFAULT 0 NOT NULL, "created_at" datetime DEFAULT (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')) NOT NULL, "user_id" bigint NOT NULL REFERENCES "users" ("id") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "posts_status_valid" CHECK ("status" IN ('draft', 'published', 'archived')));
CREATE TABLE "post_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "post_id" bigint NOT NULL REFERENCES "posts" ("id") DEFERRABLE INITIALLY DEFERRED, "tag_id" bigint NOT NULL REFERENCES "tags" ("id") DEFERRABLE INITIALLY DEFERRED);
--
-- Create model Membership
--
CREATE TABLE "memberships" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "role" varchar(20) DEFAULT 'member' NOT NULL, "team_id" bigint NOT NULL REFERENCES "teams" ("id") DEFERRABLE INITIALLY DEFERRED, "user_id" bigint NOT NULL REFERENCES "users" ("id") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "memberships_user_team_uniq" UNIQUE ("user_id", "team_id"));
CREATE INDEX "posts_user_id_4291758d" ON "posts" ("user_id");
CREATE UNIQUE INDEX "post_tags_post_id_tag_id_e786772a_uniq" ON "post_tags" ("post_id", "tag_id");
CREATE INDEX "post_tags_post_id_2b0ee768" ON "post_tags" ("post_id");
CREATE INDEX "post_tags_tag_id_eb42e8a6" ON "post_tags" ("tag_id");
CREATE INDEX "memberships_team_id_664db1b6" ON "memberships" ("team_id");
CREATE INDEX "memberships_user_id_5a99f855" ON "memberships" ("user_id");
COMMIT;
