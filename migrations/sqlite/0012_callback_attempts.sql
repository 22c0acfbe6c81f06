-- Calls back this round that did not reach the citizen (W3): recorded, and the next call
-- falls due, until the configured number closes the callback as "could not confirm".
ALTER TABLE cases ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 0;
