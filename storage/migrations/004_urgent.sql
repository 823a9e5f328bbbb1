-- Urgent requests (#6): the one-hour arrival rule, reminders, breach and the escalation chain.
-- Every time is UTC text (storage.timecodec); the record keeps the true times: the deadline itself and
-- when the bot detected its breach (later than the deadline if the bot was down).

CREATE TABLE urgent_requests (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    ticket_id INTEGER,                   -- the ticket opened with it (tickets feature), if any
    text TEXT NOT NULL,
    raised_by INTEGER NOT NULL,          -- people.id
    raised_at TEXT NOT NULL,             -- when it was raised in the bot
    started_at TEXT NOT NULL,            -- the clock starts here: the request, or the discovery time given
    deadline_at TEXT NOT NULL,           -- started_at + sla.arrival_deadline
    reminders_done INTEGER NOT NULL DEFAULT 0,   -- how many sla.reminder_offsets were processed
    acknowledged_at TEXT,                -- first acknowledgement (收到) by anyone notified
    acknowledged_by INTEGER,
    arrived_at TEXT,                     -- first 已到岗
    arrived_by INTEGER,
    arrival_latitude REAL,               -- a shared location, checked against settings.site
    arrival_longitude REAL,
    arrival_distance_m REAL,
    arrival_on_site INTEGER,             -- 1 within the site radius, 0 outside, NULL no location
    breach_detected_at TEXT,             -- when the sweep found the deadline passed without arrival
    escalation_next_step INTEGER NOT NULL DEFAULT 0,  -- index into sla.escalation_steps
    escalation_stopped_at TEXT,          -- an acknowledgement (or arrival) after the breach stopped the chain
    escalation_stopped_by INTEGER,
    support_requested_at TEXT,           -- 需要支援: the second line was called
    support_requested_by INTEGER,
    second_line_deadline_at TEXT,
    second_line_arrived_at TEXT,
    second_line_arrived_by INTEGER,
    second_line_breach_detected_at TEXT
);
CREATE INDEX urgent_by_start ON urgent_requests (contract_id, raised_at);
CREATE INDEX urgent_open ON urgent_requests (contract_id, arrived_at);

-- Who was asked to come, and who acknowledged (reminders go to those who have not).
CREATE TABLE urgent_recipients (
    contract_id TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES urgent_requests (id),
    person_id INTEGER NOT NULL,
    role TEXT NOT NULL,                  -- duty (first line) | escalation:<target> | second_line
    notified_at TEXT NOT NULL,
    acknowledged_at TEXT,
    PRIMARY KEY (contract_id, request_id, person_id)
);

-- Each escalation step as it fired: target, when it was due, when it ran.
CREATE TABLE urgent_escalations (
    contract_id TEXT NOT NULL,
    request_id INTEGER NOT NULL REFERENCES urgent_requests (id),
    step INTEGER NOT NULL,               -- index into sla.escalation_steps; -1 for 需要支援
    target TEXT NOT NULL,
    due_at TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    notified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, request_id, step)
);
