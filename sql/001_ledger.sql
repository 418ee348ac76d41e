-- asbb ledger schema, version 1.
-- Money is BIGINT micro-dollars everywhere (1 USD = 1,000,000). Times are
-- BIGINT unix seconds: they compare exactly and need no time zone on the server.
-- Names are ASCII: asbb validates every account, cluster and partition name
-- before it reaches SQL, and SLURM's own tables are latin1.

-- A budget: one allocation period of one SLURM account, on one cluster or on
-- all clusters (cluster = ''). Periods are [period_start, period_end).
-- allocated/held/spent are summary balances kept for speed; they must always
-- equal what the journal sums to (asbb check proves it).
CREATE TABLE budget (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    account         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    cluster         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    period_start    BIGINT NOT NULL,
    period_end      BIGINT NOT NULL,
    status          ENUM('active', 'deleted') NOT NULL DEFAULT 'active',
    description     VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    allocated_micro BIGINT NOT NULL DEFAULT 0,
    held_micro      BIGINT NOT NULL DEFAULT 0,
    spent_micro     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT budget_period CHECK (period_end > period_start),
    CONSTRAINT budget_held_nonneg CHECK (held_micro >= 0),
    KEY budget_lookup (account, cluster, status, period_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A cap on what one budget may spend on one partition.
CREATE TABLE partition_limit (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    budget_id      BIGINT UNSIGNED NOT NULL,
    partition_name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    limit_micro    BIGINT NOT NULL,
    held_micro     BIGINT NOT NULL DEFAULT 0,
    spent_micro    BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CONSTRAINT partition_limit_nonneg CHECK (limit_micro >= 0 AND held_micro >= 0),
    UNIQUE KEY partition_limit_once (budget_id, partition_name),
    CONSTRAINT partition_limit_budget FOREIGN KEY (budget_id) REFERENCES budget (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A hold: money set aside for a job at submit time. The id is made by the
-- caller (time-ordered 128 bits as 32 hex digits), so a retried placement
-- finds its own row instead of holding twice. held_micro is what is still
-- held; it falls as the job is charged and its rest released or expired.
CREATE TABLE hold (
    id                    CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    state                 ENUM('pending', 'linked', 'charged', 'released', 'expired') NOT NULL,
    cluster               VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    account               VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_name        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_name             VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    uid                   INT UNSIGNED NULL,
    nodes                 BIGINT NOT NULL,
    time_limit_s          BIGINT NOT NULL,
    array_tasks           BIGINT NOT NULL,
    node_hour_price_micro BIGINT NOT NULL,
    hold_factor_ppm       BIGINT NOT NULL,
    estimate_micro        BIGINT NOT NULL,
    amount_micro          BIGINT NOT NULL,
    held_micro            BIGINT NOT NULL,
    charged_micro         BIGINT NOT NULL DEFAULT 0,
    job_id                INT UNSIGNED NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    CONSTRAINT hold_amounts CHECK (amount_micro >= 0 AND held_micro >= 0 AND estimate_micro >= 0),
    KEY hold_state (state, created_at),
    KEY hold_job (cluster, job_id),
    KEY hold_account (account, state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The budgets (and partition limits) a hold counts against: the account's
-- own budget and every budgeted ancestor's, fixed when the hold is placed so
-- that charges and releases later touch exactly the same rows.
CREATE TABLE hold_level (
    hold_id            CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    level_no           TINYINT UNSIGNED NOT NULL,
    budget_id          BIGINT UNSIGNED NOT NULL,
    partition_limit_id BIGINT UNSIGNED NULL,
    PRIMARY KEY (hold_id, level_no),
    KEY hold_level_budget (budget_id),
    KEY hold_level_limit (partition_limit_id),
    CONSTRAINT hold_level_hold FOREIGN KEY (hold_id) REFERENCES hold (id),
    CONSTRAINT hold_level_budget_fk FOREIGN KEY (budget_id) REFERENCES budget (id),
    CONSTRAINT hold_level_limit_fk FOREIGN KEY (partition_limit_id) REFERENCES partition_limit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The journal: every movement of money, append-only. A row with a hold_id
-- moves the balances of every level of that hold; a row without one moves
-- only its budget_id. The three deltas say exactly what the row did to
-- allocated, held and spent, so balances are sums of the journal.
CREATE TABLE journal (
    id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    created_at            BIGINT NOT NULL,
    kind                  ENUM('deposit', 'withdraw', 'hold', 'charge', 'release', 'expire', 'adjust') NOT NULL,
    budget_id             BIGINT UNSIGNED NOT NULL,
    hold_id               CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
    amount_micro          BIGINT NOT NULL,
    allocated_delta_micro BIGINT NOT NULL DEFAULT 0,
    held_delta_micro      BIGINT NOT NULL DEFAULT 0,
    spent_delta_micro     BIGINT NOT NULL DEFAULT 0,
    cluster               VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    job_id                INT UNSIGNED NULL,
    -- set on charge rows only: SLURM's job row, so no job run is charged twice
    job_db_inx            BIGINT UNSIGNED NULL,
    partition_name        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    user_name             VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
    actor                 VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    reason                VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    UNIQUE KEY journal_charge_once (cluster, job_db_inx),
    KEY journal_budget (budget_id, id),
    KEY journal_hold (hold_id),
    KEY journal_job (job_id),
    CONSTRAINT journal_budget_fk FOREIGN KEY (budget_id) REFERENCES budget (id),
    CONSTRAINT journal_hold_fk FOREIGN KEY (hold_id) REFERENCES hold (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Append-only is enforced by the server, not only by our code.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'asbb journal is append-only';
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'asbb journal is append-only';
