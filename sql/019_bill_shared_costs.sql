-- asbb schema version 19: the rest of the AWS bill (BillSharedCosts,
-- IdleCostAccount). With BillSharedCosts=proportional, the lines that are
-- not instance-hours are shared by instance cost: bill_job_cost.shared_micro
-- is the part of a hold's billed_micro that came from them. The import's
-- shared_micro is what went onto jobs, unattributed_micro what stayed on
-- none. With IdleCostAccount, idle node time, untagged instance-hours and
-- unattributed lines are journaled as one 'true_up' row (no hold) on each
-- budget level of that account for the billed month; bill_idle_cost keeps
-- them per import, so that a newer version of the month reverses them.
-- IF NOT EXISTS: a migration may run again after a partial run.
ALTER TABLE bill_job_cost
    ADD COLUMN IF NOT EXISTS shared_micro BIGINT NOT NULL DEFAULT 0;

ALTER TABLE bill_import
    ADD COLUMN IF NOT EXISTS shared_micro BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS unattributed_micro BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS idle_account VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
        NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS idle_charged_micro BIGINT NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS bill_idle_cost (
    import_id     BIGINT UNSIGNED NOT NULL,
    budget_id     BIGINT UNSIGNED NOT NULL,
    amount_micro  BIGINT NOT NULL,  -- the true_up row's spent delta on this budget
    PRIMARY KEY (import_id, budget_id),
    CONSTRAINT bill_idle_cost_import FOREIGN KEY (import_id) REFERENCES bill_import (id),
    CONSTRAINT bill_idle_cost_budget FOREIGN KEY (budget_id) REFERENCES budget (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
