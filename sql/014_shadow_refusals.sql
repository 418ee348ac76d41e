-- asbb schema version 14: shadow mode (EnforcePolicy=shadow in asbb.conf).
-- One row for each job, or change to a job, that the plugin accepted but
-- would have refused under EnforcePolicy=enforce, with what it would have
-- said and the level that would have refused it. Not part of the journal:
-- a would-be refusal moves no money (the job it accepted holds none).
CREATE TABLE IF NOT EXISTS shadow_refusal (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    created_at       BIGINT NOT NULL,
    cluster          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    account          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_name   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_name        VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    uid              INT UNSIGNED NULL,
    -- set when the refusal was of a change to a job (job_modify)
    job_id           INT UNSIGNED NULL,
    -- what would have refused: a budget (the job's account's or an
    -- ancestor's), a partition limit, or none of them (no rate, a shape
    -- that cannot be sized)
    level_kind       ENUM('account', 'ancestor', 'partition_limit', 'none') NOT NULL,
    level_account    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    level_partition  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    -- the hold the job needed, and what the level had left (NULL: it had
    -- no active budget period, or no level was reached)
    needed_micro     BIGINT NOT NULL,
    available_micro  BIGINT NULL,
    message          VARCHAR(1024) CHARACTER SET utf8mb4 NOT NULL,
    CONSTRAINT shadow_refusal_needed CHECK (needed_micro >= 0),
    KEY shadow_refusal_time (created_at),
    KEY shadow_refusal_account (account, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
