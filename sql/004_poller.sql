-- asbb schema version 4: where the poller is in each cluster's job table.
-- high_water_inx: every row up to it has been read once. Runs that were not
-- over when read are listed in poller_open_run and read again by id until
-- they are; rows above high_water_inx are new. A requeue writes the next run
-- as a new row, so rows only ever need to be read again while they are open.
CREATE TABLE poller_state (
    cluster        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    high_water_inx BIGINT UNSIGNED NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE poller_open_run (
    cluster    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    job_db_inx BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (cluster, job_db_inx)
) ENGINE=InnoDB;
