-- asbb schema version 6: actual costs handed in per job (the
-- job-<id>-asbb-reconciliation.json files aws-slurm-burst writes). applied
-- is set once the cost was used for the job's charge or turned into an
-- adjustment, so a file read again changes nothing.
CREATE TABLE cost_report (
    cluster      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    job_id       INT UNSIGNED NOT NULL,
    actual_micro BIGINT NOT NULL,
    file_name    VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL,
    seen_at      BIGINT NOT NULL,
    applied      TINYINT NOT NULL DEFAULT 0,
    PRIMARY KEY (cluster, job_id),
    CONSTRAINT cost_report_nonneg CHECK (actual_micro >= 0)
) ENGINE=InnoDB;
