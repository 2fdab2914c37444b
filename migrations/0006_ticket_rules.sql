-- A ticket's history is a record: nothing rewrites it.
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
  SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
  SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
--> statement-breakpoint
-- The default categories every database starts with; admins edit them later through the API.
-- Take within 30 minutes, resolve within 24 hours; urgent ones must be taken within 10 minutes.
INSERT INTO ticket_categories (name, keywords, take_minutes, resolve_minutes, start_level, urgent, active) VALUES
  ('市政照明', '["路灯","灯"]', 30, 1440, NULL, 0, 1),
  ('水电', '["漏水","停水","停电","水管","电表","没水","没电"]', 30, 1440, NULL, 0, 1),
  ('环境卫生', '["垃圾","杂物","楼道","卫生"]', 30, 1440, NULL, 0, 1),
  ('停车', '["停车","车位","占道","挪车","乱停"]', 30, 1440, NULL, 0, 1),
  ('安全隐患', '["飞线充电","电动车","着火","燃气","煤气","电梯困人","漏气","冒烟"]', 10, 1440, NULL, 1, 1),
  ('邻里纠纷', '["纠纷","吵架","噪音","扰民"]', 30, 1440, 'community', 0, 1),
  ('物业', '["物业"]', 30, 1440, NULL, 0, 1),
  ('其他', '[]', 30, 1440, NULL, 0, 1);
