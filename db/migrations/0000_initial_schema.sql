CREATE TABLE `annotation_labels` (
	`annotation_id` integer NOT NULL,
	`label_id` integer NOT NULL,
	PRIMARY KEY(`annotation_id`, `label_id`),
	FOREIGN KEY (`annotation_id`) REFERENCES `annotations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`label_id`) REFERENCES `labels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `annotation_labels_label_idx` ON `annotation_labels` (`label_id`,`annotation_id`);--> statement-breakpoint
CREATE TABLE `annotations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`suggested_by_model_id` integer,
	`queue` text,
	`undo_of_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`suggested_by_model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `annotations_item_idx` ON `annotations` (`item_id`,`id`);--> statement-breakpoint
CREATE INDEX `annotations_user_idx` ON `annotations` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `collections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`annotation_mode` text NOT NULL,
	`auto_retrain_after` integer,
	`queue_random_share` real DEFAULT 0.1 NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `collections_slug_unique` ON `collections` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `collections_name_unique` ON `collections` (`name`);--> statement-breakpoint
CREATE TABLE `embeddings` (
	`item_id` integer NOT NULL,
	`backbone` text NOT NULL,
	`dim` integer NOT NULL,
	`vector` blob NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`item_id`, `backbone`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `item_leases` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`queue` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_leases_expiry_idx` ON `item_leases` (`expires_at`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_id` integer NOT NULL,
	`source_kind` text NOT NULL,
	`source_uri` text NOT NULL,
	`identifier` text,
	`content_hash` text NOT NULL,
	`file_path` text NOT NULL,
	`mime_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`title` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`current_annotation_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_collection_hash_uq` ON `items` (`collection_id`,`content_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `items_collection_identifier_uq` ON `items` (`collection_id`,`identifier`);--> statement-breakpoint
CREATE INDEX `items_collection_current_idx` ON `items` (`collection_id`,`current_annotation_id`,`id`);--> statement-breakpoint
CREATE TABLE `job_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_events_job_idx` ON `job_events` (`job_id`,`id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_id` integer,
	`kind` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`progress` text,
	`result` text,
	`error` text,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`heartbeat_at` integer,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `jobs_collection_idx` ON `jobs` (`collection_id`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_state_idx` ON `jobs` (`state`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_one_active_train_uq` ON `jobs` (`collection_id`) WHERE "jobs"."kind" = 'train' and "jobs"."state" in ('queued', 'running');--> statement-breakpoint
CREATE TABLE `labels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`hotkey` text,
	`colour` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `labels_collection_name_uq` ON `labels` (`collection_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `labels_collection_hotkey_uq` ON `labels` (`collection_id`,`hotkey`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`active` integer DEFAULT false NOT NULL,
	`backbone` text NOT NULL,
	`backend` text NOT NULL,
	`label_ids` text NOT NULL,
	`thresholds` text,
	`novelty_threshold` real,
	`metrics` text,
	`card` text,
	`train_count` integer DEFAULT 0 NOT NULL,
	`validation_count` integer DEFAULT 0 NOT NULL,
	`snapshot_annotation_id` integer,
	`seed` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer,
	`artifact_path` text,
	`job_id` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `models_collection_idx` ON `models` (`collection_id`,`kind`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `models_one_active_uq` ON `models` (`collection_id`,`kind`) WHERE "models"."active" = 1;--> statement-breakpoint
CREATE TABLE `prediction_scores` (
	`model_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`label_id` integer NOT NULL,
	`probability` real NOT NULL,
	`entropy` real NOT NULL,
	`predicted` integer NOT NULL,
	PRIMARY KEY(`model_id`, `item_id`, `label_id`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`label_id`) REFERENCES `labels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `prediction_scores_label_entropy_idx` ON `prediction_scores` (`model_id`,`label_id`,`entropy`);--> statement-breakpoint
CREATE INDEX `prediction_scores_label_predicted_idx` ON `prediction_scores` (`model_id`,`label_id`,`predicted`);--> statement-breakpoint
CREATE TABLE `predictions` (
	`model_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`probabilities` text NOT NULL,
	`predicted_label_ids` text NOT NULL,
	`top_label_id` integer,
	`top_probability` real NOT NULL,
	`uncertainty` real NOT NULL,
	`margin` real,
	`novelty` real,
	`is_novel` integer DEFAULT false NOT NULL,
	`no_label` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`model_id`, `item_id`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `predictions_uncertainty_idx` ON `predictions` (`model_id`,`uncertainty`);--> statement-breakpoint
CREATE INDEX `predictions_novelty_idx` ON `predictions` (`model_id`,`is_novel`,`no_label`,`novelty`);--> statement-breakpoint
CREATE INDEX `predictions_top_label_idx` ON `predictions` (`model_id`,`top_label_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`disabled_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);