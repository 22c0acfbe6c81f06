-- The agent's own reminder plan for a case (seed: 坐席人员可以设置催办形式、时间间隔、期限):
-- how often an unanswered reminder repeats, until when, and whether by SMS too.
ALTER TABLE cases ADD COLUMN reminder_every_amount INTEGER;
ALTER TABLE cases ADD COLUMN reminder_every_unit TEXT;
ALTER TABLE cases ADD COLUMN reminder_until TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN reminder_sms BOOLEAN;
