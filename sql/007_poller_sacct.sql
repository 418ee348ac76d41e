-- asbb schema version 7: where asbb-poller --source=sacct is. window_end: the
-- end of the last time window read (the next starts SacctOverlap before it).
-- poller_sacct_open: jobs seen with a run not over yet, asked for by id
-- (sacct -j) on every pass until it is.
CREATE TABLE poller_sacct_state (
    cluster    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    window_end BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE poller_sacct_open (
    cluster VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    job_id  INT UNSIGNED NOT NULL,
    PRIMARY KEY (cluster, job_id)
) ENGINE=InnoDB;
