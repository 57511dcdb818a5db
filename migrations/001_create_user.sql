CREATE TABLE user (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  phone_number VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  nickname VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  register_time DATETIME NOT NULL,
  password_changed_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_user_phone_number (phone_number)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
