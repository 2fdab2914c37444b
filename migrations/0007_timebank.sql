CREATE TABLE `ledger_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`member_id` integer,
	`unit_id` integer,
	`balance` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_accounts_not_negative" CHECK("ledger_accounts"."kind" = 'pool' OR "ledger_accounts"."balance" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_key` ON `ledger_accounts` (`key`);--> statement-breakpoint
CREATE INDEX `ledger_accounts_member` ON `ledger_accounts` (`member_id`);--> statement-breakpoint
CREATE TABLE `ledger_legs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`amount` integer NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_legs_not_zero" CHECK("ledger_legs"."amount" <> 0)
);
--> statement-breakpoint
CREATE INDEX `ledger_legs_account` ON `ledger_legs` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_legs_transaction` ON `ledger_legs` (`transaction_id`);--> statement-breakpoint
CREATE TABLE `ledger_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL,
	`ref` text NOT NULL,
	`memo` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`reverses_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_key` ON `ledger_transactions` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transactions_reverses` ON `ledger_transactions` (`reverses_id`);--> statement-breakpoint
CREATE INDEX `ledger_transactions_ref` ON `ledger_transactions` (`ref`);--> statement-breakpoint
CREATE TABLE `task_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`volunteer_id` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`claimed_at` integer NOT NULL,
	`withdrawn_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`volunteer_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `task_claims_active` ON `task_claims` (`task_id`,`volunteer_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `task_claims_volunteer` ON `task_claims` (`volunteer_id`);--> statement-breakpoint
CREATE TABLE `task_completions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`claim_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`volunteer_id` integer NOT NULL,
	`minutes` integer NOT NULL,
	`reported_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`dispute_reason` text,
	`disputed_at` integer,
	`credited_minutes` integer,
	`rate` integer,
	`points` integer,
	`decided_at` integer,
	`decided_by` integer,
	FOREIGN KEY (`claim_id`) REFERENCES `task_claims`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`volunteer_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "task_completions_minutes_positive" CHECK("task_completions"."minutes" >= 1),
	CONSTRAINT "task_completions_credit_not_negative" CHECK("task_completions"."credited_minutes" IS NULL OR "task_completions"."credited_minutes" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `task_completions_claim` ON `task_completions` (`claim_id`);--> statement-breakpoint
CREATE INDEX `task_completions_task` ON `task_completions` (`task_id`);--> statement-breakpoint
CREATE INDEX `task_completions_status` ON `task_completions` (`status`,`reported_at`);--> statement-breakpoint
CREATE INDEX `task_completions_volunteer` ON `task_completions` (`volunteer_id`,`decided_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`unit_id` integer NOT NULL,
	`title` text NOT NULL,
	`requester_id` integer,
	`posted_by` integer,
	`slots` integer NOT NULL,
	`cap_minutes` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requester_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`posted_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tasks_slots_positive" CHECK("tasks"."slots" >= 1),
	CONSTRAINT "tasks_cap_positive" CHECK("tasks"."cap_minutes" >= 1)
);
--> statement-breakpoint
CREATE INDEX `tasks_unit_status` ON `tasks` (`unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`merchant_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`points_cost` integer NOT NULL,
	`stock` integer DEFAULT 0 NOT NULL,
	`per_member_monthly_limit` integer,
	`valid_days` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`merchant_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rewards_cost_positive" CHECK("rewards"."points_cost" >= 1),
	CONSTRAINT "rewards_stock_not_negative" CHECK("rewards"."stock" >= 0),
	CONSTRAINT "rewards_valid_days_positive" CHECK("rewards"."valid_days" >= 1),
	CONSTRAINT "rewards_limit_positive" CHECK("rewards"."per_member_monthly_limit" IS NULL OR "rewards"."per_member_monthly_limit" >= 1)
);
--> statement-breakpoint
CREATE INDEX `rewards_unit` ON `rewards` (`unit_id`,`active`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reward_id` integer NOT NULL,
	`delta` integer NOT NULL,
	`reason` text NOT NULL,
	`voucher_id` integer,
	`note` text,
	`at` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	FOREIGN KEY (`reward_id`) REFERENCES `rewards`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "stock_movements_not_zero" CHECK("stock_movements"."delta" <> 0)
);
--> statement-breakpoint
CREATE INDEX `stock_movements_reward` ON `stock_movements` (`reward_id`,`id`);--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`reward_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`points_cost` integer NOT NULL,
	`status` text DEFAULT 'issued' NOT NULL,
	`idempotency_key` text NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`used_by` integer,
	`cancelled_at` integer,
	`expired_at` integer,
	`transaction_id` integer NOT NULL,
	FOREIGN KEY (`reward_id`) REFERENCES `rewards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`used_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `ledger_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_code` ON `vouchers` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_key` ON `vouchers` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `vouchers_member` ON `vouchers` (`member_id`,`reward_id`,`issued_at`);--> statement-breakpoint
CREATE INDEX `vouchers_status` ON `vouchers` (`status`,`expires_at`);