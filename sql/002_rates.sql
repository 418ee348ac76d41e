-- asbb schema version 2: the rate card. A partition is budgeted when it has a
-- rate; its node-hour price is locked into each hold when it is placed, so a
-- later rate change never alters existing holds.
CREATE TABLE rate (
    cluster               VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    partition_name        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    instance_type         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    node_hour_price_micro BIGINT NOT NULL,
    default_time_limit_s  BIGINT NULL,
    updated_at            BIGINT NOT NULL,
    actor                 VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    PRIMARY KEY (cluster, partition_name),
    CONSTRAINT rate_price_nonneg CHECK (node_hour_price_micro >= 0),
    CONSTRAINT rate_default_time CHECK (default_time_limit_s IS NULL OR default_time_limit_s > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
