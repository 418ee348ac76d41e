-- asbb schema version 11: API tokens for machine clients (asbb token
-- create/list/revoke; the service accepts them as "Authorization: Bearer").
-- The secret is never stored: only its SHA-256, so that a dump of this
-- database, a replica or the general query log cannot be used to call the
-- service. A revoked token keeps its row (who made it, who revoked it and
-- when), so its name cannot be reused for a different grant and the
-- journal's "token:NAME" actors keep meaning one thing.
CREATE TABLE IF NOT EXISTS api_token (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    secret_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    role          ENUM('reader', 'coordinator') NOT NULL,
    all_accounts  TINYINT NOT NULL DEFAULT 0,
    -- Comma-separated SLURM account names (each already validated), '' with
    -- all_accounts.
    accounts      VARCHAR(6600) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL,
    last_used_at  BIGINT NULL,
    revoked_at    BIGINT NULL,
    revoked_by    VARCHAR(64) CHARACTER SET utf8mb4 NULL,
    UNIQUE KEY api_token_name (name),
    UNIQUE KEY api_token_secret (secret_sha256),
    CONSTRAINT api_token_accounts CHECK (all_accounts = 1 OR accounts <> '')
) ENGINE=InnoDB;
