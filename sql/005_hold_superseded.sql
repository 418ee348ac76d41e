-- asbb schema version 5: a job moved to another account gets a new hold
-- (new account, new levels); the old one points at it, so runs whose
-- admin_comment still names the old hold are charged to the new one.
ALTER TABLE hold ADD COLUMN superseded_by CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL
    AFTER job_id;
