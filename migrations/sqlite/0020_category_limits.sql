-- A category's own time limits (W7), as "15 working_days", "2 hours": to confirm, to handle,
-- to call back. Empty: the parent category's, else the centre's policy.
ALTER TABLE service_categories ADD COLUMN confirm_limit TEXT;
ALTER TABLE service_categories ADD COLUMN handling_limit TEXT;
ALTER TABLE service_categories ADD COLUMN callback_limit TEXT;
