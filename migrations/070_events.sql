-- Security events (SPEC §14). user_id is no foreign key: a user.deleted event outlives its user.
-- uid is made by the instance that recorded the event, so an event parked in Redis while MySQL was away
-- is written once however many instances drain it.
CREATE TABLE IF NOT EXISTS event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uid CHAR(36) NOT NULL,
  type VARCHAR(40) NOT NULL,
  user_id BIGINT NULL,
  at DATETIME(3) NOT NULL,
  ip VARCHAR(64) NULL,
  user_agent VARCHAR(512) NULL,
  data TEXT NOT NULL,
  UNIQUE KEY event_uid (uid),
  KEY event_user (user_id, id),
  KEY event_at (at)
) DEFAULT CHARSET = utf8mb4;
