-- asbb schema version 16: Spot prices (asbb rates import --spot-history).
-- A rate is bought On-Demand or on the Spot market. A Spot partition's
-- node-hour price is the highest Spot price of its instance type over
-- SpotPriceWindow, so that a hold covers what the hour may cost; the price
-- changes are kept as AWS's describe-spot-price-history gives them (one row
-- per change, per availability zone), since that history reaches back only
-- 90 days and must be downloaded as it goes.
-- IF NOT EXISTS: a migration may run again after a partial run.
ALTER TABLE rate ADD COLUMN IF NOT EXISTS market VARCHAR(9) CHARACTER SET ascii COLLATE ascii_bin
        NOT NULL DEFAULT 'on-demand' AFTER instance_type,
    ADD CONSTRAINT IF NOT EXISTS rate_market CHECK (market IN ('on-demand', 'spot'));

CREATE TABLE IF NOT EXISTS spot_price (
    instance_type      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    availability_zone  VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    changed_at         BIGINT NOT NULL,  -- epoch seconds: the price holds from then on
    price_micro        BIGINT NOT NULL,  -- per hour, rounded once, half up
    imported_at        BIGINT NOT NULL,
    PRIMARY KEY (instance_type, availability_zone, changed_at),
    CONSTRAINT spot_price_positive CHECK (price_micro >= 0)
) ENGINE=InnoDB;
