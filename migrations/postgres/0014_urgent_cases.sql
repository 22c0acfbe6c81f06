-- Urgent cases (W9): a priority per case, set at intake or classification; categories an
-- administrator marks urgent make their cases urgent unless the agent says otherwise.
-- Urgent cases in hand come first in every list.
ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('normal', 'urgent'));
CREATE INDEX cases_urgent ON cases(created_at) WHERE priority = 'urgent';
ALTER TABLE service_categories ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
-- The shipped catalogue's urgent categories (the loader sets them in a new database).
UPDATE service_categories SET urgent = TRUE
    WHERE code IN ('080301', '080204', '080602', '0811');
