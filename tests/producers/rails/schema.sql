CREATE TABLE IF NOT EXISTS "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar COLLATE "NOCASE" NOT NULL, "name" varchar NOT NULL, "created_at" datetime(6) DEFAULT CURRENT_TIMESTAMP NOT NULL, "updated_at" datetime(6) DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email") /*application='Blog'*/;
CREATE TABLE IF NOT EXISTS "teams" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL);
CREATE UNIQUE INDEX "index_teams_on_name" ON "teams" ("name") /*application='Blog'*/;
CREATE TABLE IF NOT EXISTS "memberships" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "team_id" integer NOT NULL, "role" varchar DEFAULT 'member' NOT NULL, CONSTRAINT "fk_rails_99326fb65d"
FOREIGN KEY ("user_id")
  REFERENCES "users" ("id")
 ON DELETE CASCADE, CONSTRAINT "fk_rails_ae2aedcfaf"
FOREIGN KEY ("team_id")
  REFERENCES "teams" ("id")
 ON DELETE CASCADE);
CREATE INDEX "index_memberships_on_user_id" ON "memberships" ("user_id") /*application='Blog'*/;
CREATE INDEX "index_memberships_on_team_id" ON "memberships" ("team_id") /*application='Blog'*/;
CREATE UNIQUE INDEX "index_memberships_on_user_id_and_team_id" ON "memberships" ("user_id", "team_id") /*application='Blog'*/;
CREATE TABLE IF NOT EXISTS "posts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "title" varchar NOT NULL, "body" text, "status" varchar DEFAULT 'draft' NOT NULL, "created_at" datetime(6) DEFAULT CURRENT_TIMESTAMP NOT NULL, "updated_at" datetime(6) DEFAULT CURRENT_TIMESTAMP NOT NULL, "is_pinned" boolean DEFAULT FALSE NOT NULL /*application='Blog'*/, CONSTRAINT "fk_rails_5b5ddfd518"
FOREIGN KEY ("user_id")
  REFERENCES "users" ("id")
 ON DELETE CASCADE, CONSTRAINT chk_rails_0185294edc CHECK (status IN ('draft', 'published', 'archived')));
CREATE INDEX "index_posts_on_user_id" ON "posts" ("user_id") /*application='Blog'*/;
CREATE TABLE IF NOT EXISTS "tags" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL);
CREATE UNIQUE INDEX "index_tags_on_name" ON "tags" ("name") /*application='Blog'*/;
CREATE TABLE IF NOT EXISTS "post_tags" ("post_id" integer NOT NULL, "tag_id" integer NOT NULL, PRIMARY KEY ("post_id", "tag_id"), CONSTRAINT "fk_rails_fdf74b486b"
FOREIGN KEY ("post_id")
  REFERENCES "posts" ("id")
 ON DELETE CASCADE, CONSTRAINT "fk_rails_c9d8c5063e"
FOREIGN KEY ("tag_id")
  REFERENCES "tags" ("id")
 ON DELETE CASCADE);
CREATE INDEX "index_post_tags_on_tag_id" ON "post_tags" ("tag_id") /*application='Blog'*/;
