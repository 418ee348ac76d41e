-- asbb schema version 15: the AWS bill (asbb bill import). One row for each
-- billing period and payer account in each imported version of a Cost and
-- Usage Report, with its exact totals rounded once to the micro-dollar.
-- AWS rewrites a month's report several times, and again after the month
-- closes: a newer version of the same month replaces the one before (whose
-- replaced_by then names it), and a version whose content is the current
-- one's is not imported again. Not part of the journal: an import moves no
-- money by itself.
CREATE TABLE IF NOT EXISTS bill_import (
    id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    billing_period        CHAR(7) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- 'YYYY-MM'
    payer_account         VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- SHA-256 over the sorted SHA-256s of the files' CSV text
    content_sha256        CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- the manifest's assemblyId or executionId, when one was given
    manifest_version      VARCHAR(128) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    files                 TEXT CHARACTER SET utf8mb4 NOT NULL,  -- file names, one per line
    currency              CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    line_count            BIGINT NOT NULL,
    usage_micro           BIGINT NOT NULL,
    discount_micro        BIGINT NOT NULL,  -- credits, refunds, Savings Plan negation
    fee_micro             BIGINT NOT NULL,
    tax_micro             BIGINT NOT NULL,
    other_micro           BIGINT NOT NULL,  -- line item types asbb does not know
    instance_hours_micro  BIGINT NOT NULL,  -- the usage of EC2 instances (BoxUsage, SpotUsage)
    total_micro           BIGINT NOT NULL,  -- every line's cost: the report's own total
    imported_at           BIGINT NOT NULL,
    imported_by           VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL,
    -- 1 while this is the month's current version, NULL once replaced: the
    -- unique key lets two imports of one month race without both winning
    current_mark          TINYINT NULL DEFAULT 1,
    replaced_by           BIGINT UNSIGNED NULL,
    CONSTRAINT bill_import_lines CHECK (line_count > 0),
    CONSTRAINT bill_import_mark CHECK (current_mark IS NULL OR current_mark = 1),
    UNIQUE KEY bill_import_current (billing_period, payer_account, current_mark),
    KEY bill_import_period (billing_period, payer_account, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
