-- /score incremental (#16): closed months kept as rollups (numerator/denominator per component per month
-- slice), so a year's /score reads twelve small rows instead of every check-in and ticket. A rollup is
-- dropped in the same transaction as any write that can change it (the triggers below: check-ins, leave and
-- make-up requests and their approvals, daily logs, tickets due or rated, urgent requests, roster changes);
-- bot/services/scoring.py recomputes a missing one lazily on read. Deductions are read live (never rolled up).
-- `fingerprint` hashes the settings the rates depend on (calendar, rules): another configuration misses.

CREATE TABLE score_rollups (
    contract_id TEXT NOT NULL,
    component TEXT NOT NULL,             -- attendance | completion | satisfaction | daily_maintenance | responsiveness
    start_day TEXT NOT NULL,             -- ISO local date, first day of the slice (a month, or from the tracking start)
    end_day TEXT NOT NULL,               -- ISO local date, last day of the slice (inclusive)
    fingerprint TEXT NOT NULL,
    numerator TEXT NOT NULL,             -- Decimal as text
    denominator TEXT NOT NULL,           -- Decimal as text
    empty_rate TEXT NOT NULL,            -- Decimal as text: the rate when the denominator is 0
    details TEXT NOT NULL,               -- JSON: what the component's details need to be merged over months
    computed_at TEXT NOT NULL,           -- UTC
    PRIMARY KEY (contract_id, component, start_day, end_day)
);
CREATE INDEX score_rollups_by_day ON score_rollups (contract_id, start_day, end_day);

CREATE TRIGGER score_rollups_attendance_days_insert AFTER INSERT ON attendance_days
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= NEW.day AND start_day <= NEW.day));
END;

CREATE TRIGGER score_rollups_attendance_days_update AFTER UPDATE ON attendance_days
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= OLD.day AND start_day <= OLD.day)
           OR (end_day >= NEW.day AND start_day <= NEW.day));
END;

CREATE TRIGGER score_rollups_attendance_days_delete AFTER DELETE ON attendance_days
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id
        AND ((end_day >= OLD.day AND start_day <= OLD.day));
END;

CREATE TRIGGER score_rollups_attendance_requests_insert AFTER INSERT ON attendance_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= NEW.first_day AND start_day <= NEW.last_day));
END;

CREATE TRIGGER score_rollups_attendance_requests_update AFTER UPDATE ON attendance_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= OLD.first_day AND start_day <= OLD.last_day)
           OR (end_day >= NEW.first_day AND start_day <= NEW.last_day));
END;

CREATE TRIGGER score_rollups_attendance_requests_delete AFTER DELETE ON attendance_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id
        AND ((end_day >= OLD.first_day AND start_day <= OLD.last_day));
END;

CREATE TRIGGER score_rollups_daily_logs_insert AFTER INSERT ON daily_logs
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= NEW.day AND start_day <= NEW.day));
END;

CREATE TRIGGER score_rollups_daily_logs_update AFTER UPDATE ON daily_logs
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= OLD.day AND start_day <= OLD.day)
           OR (end_day >= NEW.day AND start_day <= NEW.day));
END;

CREATE TRIGGER score_rollups_daily_logs_delete AFTER DELETE ON daily_logs
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id
        AND ((end_day >= OLD.day AND start_day <= OLD.day));
END;

CREATE TRIGGER score_rollups_tickets_insert AFTER INSERT ON tickets
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= date(NEW.due_at, '-1 day') AND start_day <= date(NEW.due_at, '+1 day'))
           OR (end_day >= date(NEW.rated_at, '-1 day') AND start_day <= date(NEW.rated_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_tickets_update AFTER UPDATE OF due_at, resolved_at, status, rating, rated_at ON tickets
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= date(OLD.due_at, '-1 day') AND start_day <= date(OLD.due_at, '+1 day'))
           OR (end_day >= date(OLD.rated_at, '-1 day') AND start_day <= date(OLD.rated_at, '+1 day'))
           OR (end_day >= date(NEW.due_at, '-1 day') AND start_day <= date(NEW.due_at, '+1 day'))
           OR (end_day >= date(NEW.rated_at, '-1 day') AND start_day <= date(NEW.rated_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_tickets_delete AFTER DELETE ON tickets
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id
        AND ((end_day >= date(OLD.due_at, '-1 day') AND start_day <= date(OLD.due_at, '+1 day'))
           OR (end_day >= date(OLD.rated_at, '-1 day') AND start_day <= date(OLD.rated_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_urgent_requests_insert AFTER INSERT ON urgent_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= date(NEW.raised_at, '-1 day') AND start_day <= date(NEW.raised_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_urgent_requests_update AFTER UPDATE OF raised_at, started_at, deadline_at, acknowledged_at, arrived_at,
    arrival_on_site, cancelled_at ON urgent_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= date(OLD.raised_at, '-1 day') AND start_day <= date(OLD.raised_at, '+1 day'))
           OR (end_day >= date(NEW.raised_at, '-1 day') AND start_day <= date(NEW.raised_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_urgent_requests_delete AFTER DELETE ON urgent_requests
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id
        AND ((end_day >= date(OLD.raised_at, '-1 day') AND start_day <= date(OLD.raised_at, '+1 day')));
END;

CREATE TRIGGER score_rollups_people_insert AFTER INSERT ON people
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id;
END;

CREATE TRIGGER score_rollups_people_update AFTER UPDATE OF roles, start_date, end_date, status ON people
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id;
END;

CREATE TRIGGER score_rollups_people_delete AFTER DELETE ON people
BEGIN
    DELETE FROM score_rollups WHERE contract_id = OLD.contract_id;
END;
