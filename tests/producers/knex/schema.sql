-- migrations/20240501090000_init.js: knex.schema...toString() (what exports.up runs, statement by statement)
create table `users` (`id` integer not null primary key autoincrement, `email` varchar(255) not null, `name` varchar(100) not null, `created_at` datetime not null default CURRENT_TIMESTAMP);
create unique index `users_email_unique` on `users` (`email`);
create table `teams` (`id` integer not null primary key autoincrement, `name` varchar(100) not null);
create unique index `teams_name_unique` on `teams` (`name`);
create table `memberships` (`user_id` integer not null, `team_id` integer not null, `role` varchar(20) not null default 'member', foreign key(`user_id`) references `users`(`id`) on delete CASCADE, foreign key(`team_id`) references `teams`(`id`) on delete CASCADE, primary key (`user_id`, `team_id`));
create table `posts` (`id` integer not null primary key autoincrement, `user_id` integer not null, `title` varchar(200) not null, `body` text, `status` text check (`status` in ('draft', 'published', 'archived')) not null default 'draft', `is_pinned` boolean not null default '0', `created_at` datetime not null default CURRENT_TIMESTAMP, foreign key(`user_id`) references `users`(`id`) on delete CASCADE);
create index `posts_user_id_index` on `posts` (`user_id`);
create table `tags` (`id` integer not null primary key autoincrement, `name` varchar(50) not null);
create unique index `tags_name_unique` on `tags` (`name`);
create table `post_tags` (`post_id` integer not null, `tag_id` integer not null, foreign key(`post_id`) references `posts`(`id`) on delete CASCADE, foreign key(`tag_id`) references `tags`(`id`) on delete CASCADE, primary key (`post_id`, `tag_id`));
create index `post_tags_tag_id_index` on `post_tags` (`tag_id`);
