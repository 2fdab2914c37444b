CREATE TABLE `job_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`detail` text,
	`trigger` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_runs_once` ON `job_runs` (`job`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `job_runs_job_started` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE TABLE `job_settings` (
	`name` text PRIMARY KEY NOT NULL,
	`cron` text NOT NULL,
	`enabled` integer NOT NULL,
	`updated_at` integer NOT NULL
);
