CREATE TABLE `binding_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`unit_id` integer,
	`purpose` text,
	`member_id` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`used_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `identities` (
	`platform` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`display_name` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `platform_user_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identities_member` ON `identities` (`member_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`phone` text,
	`party_member` integer DEFAULT false NOT NULL,
	`notes` text,
	`merged_into` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merged_into`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `role_grants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`role` text NOT NULL,
	`unit_id` integer NOT NULL,
	`granted_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_grants_active` ON `role_grants` (`member_id`,`role`,`unit_id`) WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX `role_grants_unit` ON `role_grants` (`unit_id`,`role`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`platform_room_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`unit_id` integer,
	`purpose` text,
	`member_id` integer,
	`language` text,
	`bound_at` integer,
	`last_seen_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_platform_room` ON `rooms` (`platform`,`platform_room_id`);--> statement-breakpoint
CREATE INDEX `rooms_unit` ON `rooms` (`unit_id`,`purpose`);--> statement-breakpoint
CREATE INDEX `rooms_member` ON `rooms` (`member_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`parent_id` integer,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`depth` integer NOT NULL,
	`points_per_hour` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_parent_name` ON `units` (`parent_id`,`name`);--> statement-breakpoint
CREATE INDEX `units_path` ON `units` (`path`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `audit_target` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`room_id` text NOT NULL,
	`text` text NOT NULL,
	`buttons` text,
	`mention_user_id` text,
	`source` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_room` ON `outbox` (`platform`,`room_id`);--> statement-breakpoint
CREATE TABLE `processed_messages` (
	`platform` text NOT NULL,
	`room_id` text NOT NULL,
	`message_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`platform`, `room_id`, `message_id`)
);
--> statement-breakpoint
CREATE INDEX `processed_messages_at` ON `processed_messages` (`at`);