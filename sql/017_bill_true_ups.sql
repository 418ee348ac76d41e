-- asbb schema version 17: the AWS bill's true-ups (asbb bill import with
-- BillNodeTag). The bill's instance-hours are placed on the SLURM job runs
-- that held each node, and each hold whose runs were billed gets one
-- 'true_up' journal row of billed minus charged for the period: budgets'
-- spent then follows what AWS billed. A newer version of the month reverses
-- the true-ups of the version it replaces (more 'true_up' rows, the journal
-- stays append-only), then writes its own. bill_job_cost keeps, per import
-- and hold, the figures each true-up was made from.
-- MODIFY and IF NOT EXISTS: a migration may run again after a partial run.
ALTER TABLE journal MODIFY kind
    ENUM('deposit', 'withdraw', 'hold', 'charge', 'release', 'expire', 'adjust', 'true_up') NOT NULL;

ALTER TABLE bill_import
    ADD COLUMN IF NOT EXISTS node_tag VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin
        NOT NULL DEFAULT '',                                    -- BillNodeTag then; '' for none
    ADD COLUMN IF NOT EXISTS jobs_micro BIGINT NOT NULL DEFAULT 0,        -- on charged job runs
    ADD COLUMN IF NOT EXISTS uncharged_micro BIGINT NOT NULL DEFAULT 0,   -- on runs asbb has not charged
    ADD COLUMN IF NOT EXISTS idle_micro BIGINT NOT NULL DEFAULT 0,        -- node time no run held
    ADD COLUMN IF NOT EXISTS untagged_micro BIGINT NOT NULL DEFAULT 0,    -- instance-hours with no node
    ADD COLUMN IF NOT EXISTS true_up_micro BIGINT NOT NULL DEFAULT 0;     -- this import's true-ups

CREATE TABLE IF NOT EXISTS bill_job_cost (
    import_id      BIGINT UNSIGNED NOT NULL,
    hold_id        CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    cluster        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    job_id         INT UNSIGNED NOT NULL,
    runs           INT NOT NULL,
    billed_micro   BIGINT NOT NULL,  -- the bill's cost of the hold's runs, rounded once
    charged_micro  BIGINT NOT NULL,  -- what asbb had charged for those runs' time in the period
    true_up_micro  BIGINT NOT NULL,  -- billed - charged: the journal's true_up row (none when 0)
    PRIMARY KEY (import_id, hold_id),
    KEY bill_job_cost_hold (hold_id),
    CONSTRAINT bill_job_cost_import FOREIGN KEY (import_id) REFERENCES bill_import (id),
    CONSTRAINT bill_job_cost_hold_fk FOREIGN KEY (hold_id) REFERENCES hold (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
