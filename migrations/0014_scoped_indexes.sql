CREATE INDEX `ticket_events_ticket_kind` ON `ticket_events` (`ticket_id`,`kind`,`at`);--> statement-breakpoint
CREATE INDEX `tickets_origin_id` ON `tickets` (`origin_unit_id`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_origin_status` ON `tickets` (`origin_unit_id`,`status`,`id`);