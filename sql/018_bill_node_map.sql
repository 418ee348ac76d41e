-- asbb schema version 18: the node-to-instance map of `asbb bill map`, the
-- AWS bill's way from an instance to its SLURM node when the instances
-- carry no tag naming it (ParallelCluster names them "Compute"). One row per
-- span: the node became the instance at start; it stays so until end, or,
-- with no end, until the node's next instance (core/instance_node_map.hpp).
-- Loading the same file again changes nothing; a CSV may set an end later.
-- bill_import.node_map_spans: how many spans the import attributed with;
-- attribution_sha256: a digest of its attribution's figures, so that the
-- same report imported after more runs were charged (or with a new map) is
-- a new version whose true-ups replace the old, and otherwise changes nothing.
-- IF NOT EXISTS: a migration may run again after a partial run.
CREATE TABLE IF NOT EXISTS bill_node_map (
    cluster      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    instance_id  VARCHAR(19) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    node         VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    start_s      BIGINT NOT NULL,  -- epoch seconds
    end_s        BIGINT NULL,      -- NULL: until the node's next instance
    source       VARCHAR(255) NOT NULL,  -- the file it was read from
    loaded_at    BIGINT NOT NULL,
    loaded_by    VARCHAR(64) NOT NULL,
    PRIMARY KEY (cluster, instance_id, node, start_s),
    KEY bill_node_map_node (cluster, node, start_s),
    CONSTRAINT bill_node_map_span CHECK (end_s IS NULL OR end_s > start_s)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE bill_import
    ADD COLUMN IF NOT EXISTS node_map_spans INT NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS attribution_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin
        NOT NULL DEFAULT '';
