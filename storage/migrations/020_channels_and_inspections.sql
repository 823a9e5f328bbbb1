-- Issue 20, items 1 and 4: escalation channels beside chat (a phone call / SMS through an HTTP hook, DingTalk's
-- DING), and recurring inspections (巡检计划).

-- A channel row of the outbox: `channel` names the sender ('http', 'ding'); NULL is a chat message.
-- `address` is where it goes (a phone number), `subject` what it is about ('urgent_request:17').
ALTER TABLE outbox ADD COLUMN channel TEXT;
ALTER TABLE outbox ADD COLUMN address TEXT;
ALTER TABLE outbox ADD COLUMN subject TEXT;
CREATE INDEX outbox_channel_due ON outbox (channel, status, next_attempt_at);

-- Every attempt to deliver a channel row (the request's timeline shows them).
CREATE TABLE channel_attempts (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    outbox_id INTEGER NOT NULL,
    subject TEXT,
    person_id INTEGER,
    channel TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,               -- queued | ok | retry | failed
    detail TEXT
);
CREATE INDEX channel_attempts_subject ON channel_attempts (contract_id, subject, at);

-- How many of `sla.calls` an urgent request has had (claimed one by one).
ALTER TABLE urgent_requests ADD COLUMN calls_done INTEGER NOT NULL DEFAULT 0;

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    name TEXT NOT NULL,
    every TEXT NOT NULL,                 -- daily | weekly | monthly | quarterly
    day INTEGER NOT NULL DEFAULT 1,      -- weekly: 1 = Monday … 7; monthly / quarterly: day of the month
    opens_at_time TEXT NOT NULL,         -- local time HH:MM when it opens (not a timestamp)
    creates TEXT NOT NULL DEFAULT 'checklist',  -- checklist | ticket
    daily_maintenance INTEGER NOT NULL DEFAULT 1,  -- a run not done by its day is a missed daily-maintenance item
    source TEXT NOT NULL DEFAULT 'chat', -- config | chat
    starts_on TEXT NOT NULL,             -- no run before this day
    paused_at TEXT,
    paused_by INTEGER,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    UNIQUE (contract_id, name)
);

CREATE TABLE inspection_runs (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    due_day TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    ticket_id INTEGER,
    daily_maintenance INTEGER NOT NULL DEFAULT 1,
    done_at TEXT,
    done_by INTEGER,
    note TEXT,
    missed_at TEXT,
    UNIQUE (contract_id, inspection_id, due_day)
);
CREATE INDEX inspection_runs_open ON inspection_runs (contract_id, done_at, due_day);

-- A run counts in the daily-maintenance component of its due day's month: drop that month's rollup.
CREATE TRIGGER score_rollups_inspection_runs_insert AFTER INSERT ON inspection_runs
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= NEW.due_day AND start_day <= NEW.due_day));
END;

CREATE TRIGGER score_rollups_inspection_runs_update AFTER UPDATE ON inspection_runs
BEGIN
    DELETE FROM score_rollups WHERE contract_id = NEW.contract_id
        AND ((end_day >= OLD.due_day AND start_day <= OLD.due_day)
           OR (end_day >= NEW.due_day AND start_day <= NEW.due_day));
END;
