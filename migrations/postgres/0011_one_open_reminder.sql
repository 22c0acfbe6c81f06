-- One open reminder per case, part and kind (W6). A wrong return sent back to the
-- department used to schedule new reminders beside the old ones, so the department got
-- each SMS twice an hour. The newest open one of each stays; the others are closed as
-- superseded (at the time the newer one was made). The index keeps it so.
UPDATE reminders SET done_at = (
    SELECT MAX(n.created_at) FROM reminders n
    WHERE n.case_id = reminders.case_id AND n.kind = reminders.kind
      AND COALESCE(n.assignment_id, 0) = COALESCE(reminders.assignment_id, 0)
      AND n.done_at IS NULL AND n.id > reminders.id
)
WHERE done_at IS NULL AND EXISTS (
    SELECT 1 FROM reminders n
    WHERE n.case_id = reminders.case_id AND n.kind = reminders.kind
      AND COALESCE(n.assignment_id, 0) = COALESCE(reminders.assignment_id, 0)
      AND n.done_at IS NULL AND n.id > reminders.id
);
CREATE UNIQUE INDEX reminders_one_open
    ON reminders(case_id, COALESCE(assignment_id, 0), kind) WHERE done_at IS NULL;
