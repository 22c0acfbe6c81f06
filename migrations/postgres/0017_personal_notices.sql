-- In-app notices addressed to one person (a pending matter's reminder goes to the agent
-- who owns it, not to every agent), and how far each person has read their notices.
ALTER TABLE notifications ADD COLUMN user_id BIGINT REFERENCES users(id);
CREATE INDEX notifications_user ON notifications(user_id, id);
-- The owner of a pending matter's reminder: the agent who classified it.
ALTER TABLE reminders ADD COLUMN user_id BIGINT REFERENCES users(id);
CREATE TABLE notice_reads (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    seen_id BIGINT NOT NULL
);
