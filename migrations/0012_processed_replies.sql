ALTER TABLE `processed_messages` ADD `reply` text;--> statement-breakpoint
ALTER TABLE `processed_messages` ADD `replied_at` integer;