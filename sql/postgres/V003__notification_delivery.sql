-- Notification delivery (notify::Notifier): one row per message and external channel (email, webhook), written
-- before the first attempt and updated after each one, so a restart resumes what is still queued.
-- status: queued (waiting or between retries) | sent | failed (gave up after notify.max_attempts).
ALTER TABLE notification.notifications ADD COLUMN event_key TEXT NOT NULL DEFAULT '';
ALTER TABLE notification.notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification.notifications ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE notification.notifications ADD COLUMN updated_ts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX notifications_status_idx ON notification.notifications (status, id);
