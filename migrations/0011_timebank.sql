ALTER TABLE `task_claims` ADD `room_id` integer REFERENCES rooms(id);--> statement-breakpoint
ALTER TABLE `task_completions` ADD `requester_told` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `room_id` integer REFERENCES rooms(id);