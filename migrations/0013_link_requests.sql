CREATE TABLE `link_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`member_id` integer NOT NULL,
	`platform` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`display_name` text NOT NULL,
	`room_id` integer,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`code`) REFERENCES `binding_codes`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `link_requests_code_unique` ON `link_requests` (`code`);--> statement-breakpoint
CREATE INDEX `link_requests_member` ON `link_requests` (`member_id`,`status`);--> statement-breakpoint
ALTER TABLE `binding_codes` ADD `created_by` integer REFERENCES members(id);