CREATE TABLE `ticket_categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`keywords` text NOT NULL,
	`take_minutes` integer NOT NULL,
	`resolve_minutes` integer NOT NULL,
	`start_level` text,
	`urgent` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_categories_name_unique` ON `ticket_categories` (`name`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`unit_id` integer NOT NULL,
	`note` text,
	`data` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket` ON `ticket_events` (`ticket_id`,`id`);--> statement-breakpoint
CREATE INDEX `ticket_events_kind_at` ON `ticket_events` (`kind`,`at`);--> statement-breakpoint
CREATE TABLE `ticket_followers` (
	`ticket_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`room_id` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `member_id`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_followers_member` ON `ticket_followers` (`member_id`);--> statement-breakpoint
CREATE TABLE `ticket_photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`hash` text NOT NULL,
	`path` text NOT NULL,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`added_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_photos_once` ON `ticket_photos` (`ticket_id`,`hash`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`origin_unit_id` integer NOT NULL,
	`origin_room_id` integer,
	`responsible_unit_id` integer NOT NULL,
	`category_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`text` text NOT NULL,
	`reporter_id` integer NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`taker_id` integer,
	`level` integer DEFAULT 0 NOT NULL,
	`sla_started_at` integer,
	`due_at` integer,
	`warned_at` integer,
	`plus_ones` integer DEFAULT 0 NOT NULL,
	`rating` integer,
	`comment` text,
	`created_at` integer NOT NULL,
	`taken_at` integer,
	`resolved_at` integer,
	`closed_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`origin_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`origin_room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responsible_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `ticket_categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reporter_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taker_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tickets_rating" CHECK("tickets"."rating" IS NULL OR "tickets"."rating" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE INDEX `tickets_due` ON `tickets` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `tickets_origin` ON `tickets` (`origin_unit_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_reporter` ON `tickets` (`reporter_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_taker` ON `tickets` (`taker_id`,`status`);