-- asbb schema version 13: threshold alerts (AlertThresholds in asbb.conf).
-- The poller writes one row when a budget's use first reaches a threshold
-- in its period, then mails and/or posts it. Not part of the journal: an
-- alert moves no money. A deposit that brings the budget back below the
-- threshold sets rearmed_at (in the deposit's own transaction), and only
-- then may the threshold fire again: armed_once allows one armed row per
-- budget and threshold, so two pollers can never alert it twice.
CREATE TABLE IF NOT EXISTS budget_alert (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    budget_id        BIGINT UNSIGNED NOT NULL,
    threshold_pct    INT NOT NULL,
    -- what was compared with the allocation: spent, or spent + held
    basis            ENUM('spent', 'committed') NOT NULL,
    allocated_micro  BIGINT NOT NULL,
    spent_micro      BIGINT NOT NULL,
    held_micro       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    -- the cluster whose poller fired it, and so delivers it
    fired_by         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rearmed_at       BIGINT NULL,
    armed_marker     TINYINT AS (IF(rearmed_at IS NULL, 1, NULL)) PERSISTENT,
    -- off: the channel is not configured; pending: to be sent (again)
    mail_state       ENUM('off', 'pending', 'sent', 'failed') NOT NULL,
    mail_attempts    INT NOT NULL DEFAULT 0,
    mail_detail      VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    webhook_state    ENUM('off', 'pending', 'sent', 'failed') NOT NULL,
    webhook_attempts INT NOT NULL DEFAULT 0,
    webhook_detail   VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    CONSTRAINT budget_alert_threshold CHECK (threshold_pct BETWEEN 1 AND 1000),
    UNIQUE KEY budget_alert_armed_once (budget_id, threshold_pct, armed_marker),
    KEY budget_alert_pending (fired_by, mail_state, webhook_state),
    CONSTRAINT budget_alert_budget FOREIGN KEY (budget_id) REFERENCES budget (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
