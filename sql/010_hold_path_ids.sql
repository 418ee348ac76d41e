-- asbb schema version 10: the hold procedures take their levels as lists of
-- ids instead of JSON. (Written to be run again safely: OR REPLACE.)
--
-- Measured on one session without the disk flush (best of 3, three levels):
-- 009's asbb_place_hold took 337 us of server time, these procedures 262 us,
-- and the same rows written by plain statements 161 us. The difference is
-- JSON_TABLE and the temporary tables of its ORDER BY; comma-separated ids
-- walked with SUBSTRING_INDEX cost a few microseconds each (see
-- tests/bench/hold_sql_bench.sh for the figures of a run). The lock order (budgets, then
-- limits, each by id descending) is now the caller's to give, made by one C++
-- function (db/hold_levels.cpp, lock_order_ids), and checked here.
--
-- 009's procedures stay, as adapters onto these, so that a plugin still
-- loaded in a running slurmctld from before this migration keeps placing
-- holds by the same rule until slurmctld is restarted with the new one.

-- The one "reserve on levels": adds p_delta to held on every budget in
-- p_budget_ids and every partition limit in p_limit_ids ('' for none), each
-- only if it can take it (a budget: active, in its period, with p_delta
-- available). Both lists descending: the one lock order of every writer
-- that locks several budget rows (db/journal.cpp, db/batch_moves.cpp), so
-- that no two transactions wait on each other in a cycle; descending because
-- budgets are made top down, so the root, which every hold in its tree
-- touches, usually has the lowest id and is locked last, for the shortest
-- time. A list out of that order is refused (SQLSTATE 45000), not obeyed.
-- It runs before any row that refers to a budget is written: those rows'
-- foreign keys take shared locks on the budgets, and two holds each holding
-- one while waiting to write the row would deadlock.
-- A level that cannot take it raises SQLSTATE 45001 (errno 30001); the
-- caller rolls back and reads the levels to say which one was short.
-- Runs inside the caller's transaction. Place and resize both use it.
CREATE OR REPLACE PROCEDURE asbb_reserve_ids(IN p_budget_ids VARCHAR(2000),
                                             IN p_limit_ids VARCHAR(2000),
                                             IN p_delta BIGINT, IN p_now BIGINT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    DECLARE v_rest VARCHAR(2000) DEFAULT p_budget_ids;
    DECLARE v_item VARCHAR(24);
    DECLARE v_id BIGINT UNSIGNED;
    DECLARE v_last BIGINT UNSIGNED DEFAULT NULL;
    -- NULL would make the loops below do nothing: money held on no level.
    IF IFNULL(p_budget_ids, '') = '' OR p_limit_ids IS NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'asbb: a reserve needs at least one budget';
    END IF;
    IF p_delta > 0 THEN
        WHILE v_rest <> '' DO
            SET v_item = SUBSTRING_INDEX(v_rest, ',', 1);
            SET v_rest = SUBSTRING(v_rest, CHAR_LENGTH(v_item) + 2);
            SET v_id = CAST(v_item AS UNSIGNED);
            IF v_last IS NOT NULL AND v_id >= v_last THEN
                SIGNAL SQLSTATE '45000'
                    SET MESSAGE_TEXT = 'asbb: budget ids not in descending (lock) order';
            END IF;
            SET v_last = v_id;
            UPDATE budget SET held_micro = held_micro + p_delta, updated_at = p_now
             WHERE id = v_id AND status = 'active'
               AND period_start <= p_now AND period_end > p_now
               AND allocated_micro - spent_micro - held_micro >= p_delta;
            IF ROW_COUNT() <> 1 THEN
                SIGNAL SQLSTATE '45001' SET MYSQL_ERRNO = 30001,
                    MESSAGE_TEXT = 'asbb: a budget level cannot take the hold';
            END IF;
        END WHILE;
        SET v_rest = p_limit_ids;
        SET v_last = NULL;
        WHILE v_rest <> '' DO
            SET v_item = SUBSTRING_INDEX(v_rest, ',', 1);
            SET v_rest = SUBSTRING(v_rest, CHAR_LENGTH(v_item) + 2);
            SET v_id = CAST(v_item AS UNSIGNED);
            IF v_last IS NOT NULL AND v_id >= v_last THEN
                SIGNAL SQLSTATE '45000'
                    SET MESSAGE_TEXT = 'asbb: partition limit ids not in descending (lock) order';
            END IF;
            SET v_last = v_id;
            UPDATE partition_limit SET held_micro = held_micro + p_delta, updated_at = p_now
             WHERE id = v_id
               AND limit_micro - spent_micro - held_micro >= p_delta;
            IF ROW_COUNT() <> 1 THEN
                SIGNAL SQLSTATE '45001' SET MYSQL_ERRNO = 30001,
                    MESSAGE_TEXT = 'asbb: a partition limit cannot take the hold';
            END IF;
        END WHILE;
    END IF;
END;

-- Writes a new hold: its row, the money on its levels (asbb_reserve_ids),
-- its hold_level rows and its journal row. p_levels lists the levels in
-- level order (the account's own budget first) as budget_id:limit_id pairs,
-- limit_id 0 for none ("12:0,7:3,1:0"); p_budget_ids and p_limit_ids are
-- the same levels in lock order. Runs inside the caller's transaction;
-- raises 45001 when a level is short and 1062 when the id exists.
CREATE OR REPLACE PROCEDURE asbb_insert_hold_ids(
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels VARCHAR(2000), IN p_budget_ids VARCHAR(2000),
    IN p_limit_ids VARCHAR(2000))
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    DECLARE v_rest VARCHAR(2000) DEFAULT p_levels;
    DECLARE v_pair VARCHAR(50);
    DECLARE v_level_no INT DEFAULT 0;
    IF IFNULL(p_levels, '') = '' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'asbb: a hold needs at least one level';
    END IF;
    INSERT INTO hold (id, state, cluster, account, partition_name, user_name, uid, nodes,
                      time_limit_s, array_tasks, node_hour_price_micro, hold_factor_ppm,
                      estimate_micro, amount_micro, held_micro, created_at, updated_at)
    VALUES (p_id, 'pending', p_cluster, p_account, p_partition, p_user, p_uid, p_nodes,
            p_time_limit_s, p_array_tasks, p_price_micro, p_factor_ppm, p_estimate_micro,
            p_amount_micro, p_amount_micro, p_now, p_now);
    CALL asbb_reserve_ids(p_budget_ids, p_limit_ids, p_amount_micro, p_now);
    -- One INSERT per level: cheaper than one INSERT ... SELECT from JSON_TABLE.
    WHILE v_rest <> '' DO
        SET v_pair = SUBSTRING_INDEX(v_rest, ',', 1);
        SET v_rest = SUBSTRING(v_rest, CHAR_LENGTH(v_pair) + 2);
        INSERT INTO hold_level (hold_id, level_no, budget_id, partition_limit_id)
        VALUES (p_id, v_level_no, CAST(SUBSTRING_INDEX(v_pair, ':', 1) AS UNSIGNED),
                NULLIF(CAST(SUBSTRING_INDEX(v_pair, ':', -1) AS UNSIGNED), 0));
        SET v_level_no = v_level_no + 1;
    END WHILE;
    INSERT INTO journal (created_at, kind, budget_id, hold_id, amount_micro, held_delta_micro,
                         cluster, partition_name, user_name, actor, reason)
    VALUES (p_now, 'hold', CAST(SUBSTRING_INDEX(p_levels, ':', 1) AS UNSIGNED), p_id,
            p_amount_micro, p_amount_micro, p_cluster, p_partition, p_user, p_actor, p_reason);
END;

-- The plugin's hold: one call, one transaction, one durable COMMIT. Answers
-- with one result set whose first column says what happened:
--   'placed'   the hold is written;
--   'exists'   a hold with this id exists (a retry after a lost reply):
--              its account and amount follow, nothing written;
--   'stale'    the caller's copy of the levels is older than p_generation
--              says: nothing written, read the levels again;
--   'short'    a level could not take it: nothing written; one row per
--              level (level_no, budget available, in period now, limit
--              available) so the caller can name the level to blame.
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
    SELECT generation INTO v_generation FROM ledger_generation WHERE id = 1;
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

-- 009's procedures, for a plugin loaded before this migration: each turns
-- its JSON levels ([[budget_id, limit_id or 0], ...], level order) into the
-- lists above and calls the new procedure, so the rule stays in one place.
CREATE OR REPLACE PROCEDURE asbb_levels_from_json(IN p_json TEXT,
                                                  OUT p_levels VARCHAR(2000),
                                                  OUT p_budget_ids VARCHAR(2000),
                                                  OUT p_limit_ids VARCHAR(2000))
    READS SQL DATA SQL SECURITY INVOKER
BEGIN
    SELECT GROUP_CONCAT(CONCAT(l.budget_id, ':', l.limit_id) ORDER BY l.n SEPARATOR ','),
           GROUP_CONCAT(l.budget_id ORDER BY l.budget_id DESC SEPARATOR ','),
           IFNULL(GROUP_CONCAT(NULLIF(l.limit_id, 0) ORDER BY l.limit_id DESC SEPARATOR ','), '')
      INTO p_levels, p_budget_ids, p_limit_ids
      FROM JSON_TABLE(p_json, '$[*]' COLUMNS (n FOR ORDINALITY,
                                              budget_id BIGINT UNSIGNED PATH '$[0]',
                                              limit_id BIGINT UNSIGNED PATH '$[1]')) l;
END;

CREATE OR REPLACE PROCEDURE asbb_reserve(IN p_levels TEXT, IN p_delta BIGINT, IN p_now BIGINT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    DECLARE v_levels, v_budget_ids, v_limit_ids VARCHAR(2000);
    CALL asbb_levels_from_json(p_levels, v_levels, v_budget_ids, v_limit_ids);
    CALL asbb_reserve_ids(v_budget_ids, v_limit_ids, p_delta, p_now);
END;

CREATE OR REPLACE PROCEDURE asbb_insert_hold(
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels TEXT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    DECLARE v_levels, v_budget_ids, v_limit_ids VARCHAR(2000);
    CALL asbb_levels_from_json(p_levels, v_levels, v_budget_ids, v_limit_ids);
    CALL asbb_insert_hold_ids(p_id, p_cluster, p_account, p_partition, p_user, p_uid, p_nodes,
                              p_time_limit_s, p_array_tasks, p_price_micro, p_factor_ppm,
                              p_estimate_micro, p_amount_micro, p_now, p_actor, p_reason,
                              v_levels, v_budget_ids, v_limit_ids);
END;

CREATE OR REPLACE PROCEDURE asbb_place_hold(
    IN p_generation BIGINT UNSIGNED,
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels TEXT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    DECLARE v_levels, v_budget_ids, v_limit_ids VARCHAR(2000);
    CALL asbb_levels_from_json(p_levels, v_levels, v_budget_ids, v_limit_ids);
    CALL asbb_place_hold_ids(p_generation, p_id, p_cluster, p_account, p_partition, p_user,
                             p_uid, p_nodes, p_time_limit_s, p_array_tasks, p_price_micro,
                             p_factor_ppm, p_estimate_micro, p_amount_micro, p_now, p_actor,
                             p_reason, v_levels, v_budget_ids, v_limit_ids);
END;
