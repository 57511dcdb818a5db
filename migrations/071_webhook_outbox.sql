-- One row per event to POST to WEBHOOK_URL, written in the event's transaction; a row leaves the backlog when
-- delivered_at or failed_at is set. lease_until/claimed_by: the instance that claimed it (FOR UPDATE SKIP LOCKED).
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id BIGINT NOT NULL,
  user_id BIGINT NULL,
  payload TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  lease_until DATETIME(3) NULL,
  claimed_by VARCHAR(64) NULL,
  delivered_at DATETIME(3) NULL,
  failed_at DATETIME(3) NULL,
  last_error VARCHAR(255) NULL,
  KEY outbox_due (delivered_at, failed_at, next_attempt_at),
  KEY outbox_user (user_id, id),
  KEY outbox_created (created_at)
) DEFAULT CHARSET = utf8mb4;
