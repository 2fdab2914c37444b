CREATE TABLE `patrol_photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patrol_id` integer NOT NULL,
	`hash` text NOT NULL,
	`path` text NOT NULL,
	`mime_type` text NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`patrol_id`) REFERENCES `patrols`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `patrols` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	`night` integer NOT NULL,
	`note` text,
	`room_id` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patrols_unit_at` ON `patrols` (`unit_id`,`at`);--> statement-breakpoint
CREATE INDEX `patrols_member_at` ON `patrols` (`member_id`,`at`);