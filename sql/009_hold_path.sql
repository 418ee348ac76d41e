-- asbb schema version 9: a hold in one round trip.
-- (Written to be run again safely: OR REPLACE, IF NOT EXISTS.)
--
-- The plugin decides in C++ (core/hold_plan) which levels a job's hold goes
-- on, from a copy of the rate card, budgets and partition limits that it
-- keeps between calls. ledger_generation says when that copy is stale: every
-- change to those rows that could move a hold to other levels bumps it, so
-- the plugin reads one number (in the same round trip as the account's path)
-- instead of the tables. Changes of money (held, spent, allocated) do not
-- bump it: whether the money is there is decided by asbb_reserve, under lock.
CREATE TABLE IF NOT EXISTS ledger_generation (
    id         TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    generation BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO ledger_generation (id, generation) VALUES (1, 1);

CREATE OR REPLACE TRIGGER budget_levels_insert AFTER INSERT ON budget FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER budget_levels_update AFTER UPDATE ON budget FOR EACH ROW
BEGIN
    IF NOT (NEW.account <=> OLD.account AND NEW.cluster <=> OLD.cluster
            AND NEW.status <=> OLD.status AND NEW.period_start <=> OLD.period_start
            AND NEW.period_end <=> OLD.period_end) THEN
        UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
    END IF;
END;
CREATE OR REPLACE TRIGGER budget_levels_delete AFTER DELETE ON budget FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER limit_levels_insert AFTER INSERT ON partition_limit FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER limit_levels_update AFTER UPDATE ON partition_limit FOR EACH ROW
BEGIN
    IF NOT (NEW.budget_id <=> OLD.budget_id AND NEW.partition_name <=> OLD.partition_name) THEN
        UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
    END IF;
END;
CREATE OR REPLACE TRIGGER limit_levels_delete AFTER DELETE ON partition_limit FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER rate_levels_insert AFTER INSERT ON rate FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER rate_levels_update AFTER UPDATE ON rate FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;
CREATE OR REPLACE TRIGGER rate_levels_delete AFTER DELETE ON rate FOR EACH ROW
    UPDATE ledger_generation SET generation = generation + 1 WHERE id = 1;

-- The one "reserve on levels": adds p_delta to held on every level in
-- p_levels (a JSON array of [budget_id, partition_limit_id or 0], as
-- hold_level holds them), each only if that level is active, in its period
-- and has p_delta available. Budgets, then partition limits, each by id
-- descending: the one lock order of every writer that locks several budget
-- rows (db/journal.cpp, db/batch_moves.cpp), so that no two transactions
-- wait on each other in a cycle. Descending because budgets are made top
-- down, so the root, which every hold in its tree touches, usually has the
-- lowest id and is locked last.
-- It runs before any row that refers to a budget is written: those rows'
-- foreign keys take shared locks on the budgets, and two holds each holding
-- one while waiting to write the row would deadlock.
-- A level that cannot take it raises SQLSTATE 45001 (errno 30001); the
-- caller rolls back and reads the levels to say which one was short.
-- Runs inside the caller's transaction. Place and resize both use it.
CREATE OR REPLACE PROCEDURE asbb_reserve(IN p_levels TEXT, IN p_delta BIGINT, IN p_now BIGINT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    IF p_delta > 0 THEN
        FOR lvl IN (SELECT l.budget_id
                      FROM JSON_TABLE(p_levels, '$[*]' COLUMNS (
                               budget_id BIGINT UNSIGNED PATH '$[0]')) l
                     ORDER BY l.budget_id DESC) DO
            UPDATE budget SET held_micro = held_micro + p_delta, updated_at = p_now
             WHERE id = lvl.budget_id AND status = 'active'
               AND period_start <= p_now AND period_end > p_now
               AND allocated_micro - spent_micro - held_micro >= p_delta;
            IF ROW_COUNT() <> 1 THEN
                SIGNAL SQLSTATE '45001' SET MYSQL_ERRNO = 30001,
                    MESSAGE_TEXT = 'asbb: a budget level cannot take the hold';
            END IF;
        END FOR;
        FOR lvl IN (SELECT l.limit_id
                      FROM JSON_TABLE(p_levels, '$[*]' COLUMNS (
                               limit_id BIGINT UNSIGNED PATH '$[1]')) l
                     WHERE l.limit_id > 0
                     ORDER BY l.limit_id DESC) DO
            UPDATE partition_limit SET held_micro = held_micro + p_delta, updated_at = p_now
             WHERE id = lvl.limit_id
               AND limit_micro - spent_micro - held_micro >= p_delta;
            IF ROW_COUNT() <> 1 THEN
                SIGNAL SQLSTATE '45001' SET MYSQL_ERRNO = 30001,
                    MESSAGE_TEXT = 'asbb: a partition limit cannot take the hold';
            END IF;
        END FOR;
    END IF;
END;

-- Writes a new hold: its row, the money on its levels (asbb_reserve), its
-- hold_level rows (p_levels, level order: the account's own budget first)
-- and its journal row. Runs inside the caller's transaction; raises 45001
-- when a level is short and 1062 when the id exists.
CREATE OR REPLACE PROCEDURE asbb_insert_hold(
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels TEXT)
    MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
    INSERT INTO hold (id, state, cluster, account, partition_name, user_name, uid, nodes,
                      time_limit_s, array_tasks, node_hour_price_micro, hold_factor_ppm,
                      estimate_micro, amount_micro, held_micro, created_at, updated_at)
    VALUES (p_id, 'pending', p_cluster, p_account, p_partition, p_user, p_uid, p_nodes,
            p_time_limit_s, p_array_tasks, p_price_micro, p_factor_ppm, p_estimate_micro,
            p_amount_micro, p_amount_micro, p_now, p_now);
    CALL asbb_reserve(p_levels, p_amount_micro, p_now);
    INSERT INTO hold_level (hold_id, level_no, budget_id, partition_limit_id)
    SELECT p_id, l.n - 1, l.budget_id, NULLIF(l.limit_id, 0)
      FROM JSON_TABLE(p_levels, '$[*]' COLUMNS (n FOR ORDINALITY,
                                                budget_id BIGINT UNSIGNED PATH '$[0]',
                                                limit_id BIGINT UNSIGNED PATH '$[1]')) l;
    INSERT INTO journal (created_at, kind, budget_id, hold_id, amount_micro, held_delta_micro,
                         cluster, partition_name, user_name, actor, reason)
    VALUES (p_now, 'hold', JSON_VALUE(p_levels, '$[0][0]'), p_id, p_amount_micro,
            p_amount_micro, p_cluster, p_partition, p_user, p_actor, p_reason);
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
CREATE OR REPLACE PROCEDURE asbb_place_hold(
    IN p_generation BIGINT UNSIGNED,
    IN p_id CHAR(32), IN p_cluster VARCHAR(64), IN p_account VARCHAR(64),
    IN p_partition VARCHAR(64), IN p_user VARCHAR(32), IN p_uid BIGINT,
    IN p_nodes BIGINT, IN p_time_limit_s BIGINT, IN p_array_tasks BIGINT,
    IN p_price_micro BIGINT, IN p_factor_ppm BIGINT, IN p_estimate_micro BIGINT,
    IN p_amount_micro BIGINT, IN p_now BIGINT, IN p_actor VARCHAR(32),
    IN p_reason VARCHAR(255), IN p_levels TEXT)
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
        CALL asbb_insert_hold(p_id, p_cluster, p_account, p_partition, p_user, p_uid, p_nodes,
                              p_time_limit_s, p_array_tasks, p_price_micro, p_factor_ppm,
                              p_estimate_micro, p_amount_micro, p_now, p_actor, p_reason,
                              p_levels);
    END;
    IF v_exists THEN
        ROLLBACK;
        SELECT 'exists' AS outcome, NULL, account, amount_micro, NULL FROM hold WHERE id = p_id;
        LEAVE place_hold;
    END IF;
    IF v_short THEN
        ROLLBACK;
        SELECT 'short' AS outcome, l.n - 1, b.allocated_micro - b.spent_micro - b.held_micro,
               b.status = 'active' AND b.period_start <= p_now AND b.period_end > p_now,
               pl.limit_micro - pl.spent_micro - pl.held_micro
          FROM JSON_TABLE(p_levels, '$[*]' COLUMNS (n FOR ORDINALITY,
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
