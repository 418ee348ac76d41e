-- asbb schema version 8: how many GPUs one node of the partition's instance
-- type has, so a job that asks for GPUs per job or per task (--gpus=8,
-- --gpus-per-task=1) but not for nodes is held for the nodes those GPUs
-- need (8 GPUs on 4-GPU nodes: 2 nodes).
ALTER TABLE rate ADD COLUMN gpus_per_node INT NULL AFTER cpus_per_node,
    ADD CONSTRAINT rate_gpus_per_node CHECK (gpus_per_node IS NULL OR gpus_per_node > 0);
