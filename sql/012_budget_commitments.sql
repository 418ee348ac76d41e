-- asbb schema version 12: a budget made under open commitments counts them
-- (issue 12, item 6). `account create` and `account update --start/--end`
-- attach the holds that the account's subtree placed in the period before
-- the budget existed (db/commitments.cpp). For that to miss no hold, a hold
-- in flight and a budget being made must not interleave: the plugin's hold
-- now reads the ledger generation with a shared lock, which the budget's
-- insert or period change (the generation triggers of 009) must wait for.
-- The procedure is otherwise 010's. (Run again safely: OR REPLACE.)
--
-- On Galera the shared lock is local to the node that takes it: a budget
-- made on one node while a hold is placed on another can still miss it.

-- Which holds were placed in a period: read by db/commitments.cpp.
CREATE INDEX IF NOT EXISTS hold_created ON hold (created_at);

CREATE OR REPLACE PROCEDURE asbb_place_hold_ids(
    IN p_generation BIGINT UNSIGNED,
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels VARCHAR(2000), IN p_budget_ids VARCHAR(2000),
    IN p_limit_ids VARCHAR(2000))
    MODIFIES SQL DATA SQL SECURITY INVOKER
place_hold: BEGIN
    DECLARE v_generation BIGINT UNSIGNED;
    DECLARE v_short BOOL DEFAULT FALSE;
    DECLARE v_exists BOOL DEFAULT FALSE;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;
    -- Read committed, for this transaction only: in repeatable read a read
    -- inside a routine takes shared (gap) locks, and concurrent holds then
    -- deadlock on them. Nothing here depends on a repeatable snapshot: every
    -- change of money is a conditional UPDATE of the row itself.
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
    -- Shared lock: a budget made or moved meanwhile (its trigger writes
    -- this row) waits until this hold is committed, and then counts it
    -- (db/commitments.cpp); a hold that comes after it waits for it and
    -- finds the generation moved ('stale'), so it plans with the new budget.
    -- Holds do not wait for each other: shared locks do not conflict.
    SELECT generation INTO v_generation FROM ledger_generation WHERE id = 1 LOCK IN SHARE MODE;
    IF v_generation <> p_generation THEN
        ROLLBACK;
        SELECT 'stale' AS outcome, NULL, NULL, NULL, NULL;
        LEAVE place_hold;
    END IF;
    BEGIN
        DECLARE EXIT HANDLER FOR SQLSTATE '45001' SET v_short = TRUE;
        DECLARE EXIT HANDLER FOR 1062 SET v_exists = TRUE;
        CALL asbb_insert_hold_ids(p_id, p_cluster, p_account, p_partition, p_user, p_uid,
                                  p_nodes, p_time_limit_s, p_array_tasks, p_price_micro,
                                  p_factor_ppm, p_estimate_micro, p_amount_micro, p_now,
                                  p_actor, p_reason, p_levels, p_budget_ids, p_limit_ids);
    END;
    IF v_exists THEN
        ROLLBACK;
        SELECT 'exists' AS outcome, NULL, account, amount_micro, NULL FROM hold WHERE id = p_id;
        LEAVE place_hold;
    END IF;
    IF v_short THEN
        ROLLBACK;
        -- Refusals only: "12:0,7:3" read as the JSON [[12,0],[7,3]].
        SELECT 'short' AS outcome, l.n - 1, b.allocated_micro - b.spent_micro - b.held_micro,
               b.status = 'active' AND b.period_start <= p_now AND b.period_end > p_now,
               pl.limit_micro - pl.spent_micro - pl.held_micro
          FROM JSON_TABLE(CONCAT('[[', REPLACE(REPLACE(p_levels, ',', '],['), ':', ','), ']]'),
                          '$[*]' COLUMNS (n FOR ORDINALITY,
                                          budget_id BIGINT UNSIGNED PATH '$[0]',
                                          limit_id BIGINT UNSIGNED PATH '$[1]')) l
          JOIN budget b ON b.id = l.budget_id
          LEFT JOIN partition_limit pl ON pl.id = NULLIF(l.limit_id, 0)
         ORDER BY l.n;
        LEAVE place_hold;
    END IF;
    COMMIT;
    SELECT 'placed' AS outcome, NULL, NULL, NULL, NULL;
END;
