-- asbb schema version 3: how many CPUs one node of the partition's instance
-- type has, so a job that asks for tasks or CPUs but not nodes (-n 8) is
-- held for the nodes it will really get.
ALTER TABLE rate ADD COLUMN cpus_per_node INT NULL AFTER default_time_limit_s,
    ADD CONSTRAINT rate_cpus_per_node CHECK (cpus_per_node IS NULL OR cpus_per_node > 0);
