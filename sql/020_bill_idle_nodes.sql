-- asbb schema version 20: an import's idle instance cost by node, with the
-- partitions the node's runs used in the billing period (asbb bill show
-- --idle). Idle time has no job to name a partition; the node's runs do.
-- IF NOT EXISTS: a migration may run again after a partial run.
CREATE TABLE IF NOT EXISTS bill_idle_node (
    import_id   BIGINT UNSIGNED NOT NULL,
    node        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partitions  VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- comma list
    idle_micro  BIGINT NOT NULL,  -- instance cost of time no run held, rounded once
    PRIMARY KEY (import_id, node),
    CONSTRAINT bill_idle_node_import FOREIGN KEY (import_id) REFERENCES bill_import (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
