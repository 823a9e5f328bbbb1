-- Contract duties (#8): staff changes, onboarding papers, security incidents, drills, timer marks.

CREATE TABLE duty_staff_changes (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- change (the vendor asks) | replacement (the client demands)
    status TEXT NOT NULL,                -- demanded | pending | rejected | handover | done
    leaving_id INTEGER NOT NULL,         -- people.id
    joining_id INTEGER,                  -- people.id, once approved
    joining_name TEXT,
    joining_telegram_id INTEGER,
    start_date TEXT,                     -- ISO date the hand-over starts (joiner's first day)
    release_date TEXT,                   -- ISO date the leaver is released (start + handover_days)
    reason TEXT NOT NULL,
    demand_reason TEXT,                  -- the client's reason when it demanded the replacement
    requested_by INTEGER,                -- telegram id
    demanded_by INTEGER,                 -- telegram id (replacement)
    decided_by INTEGER,
    decided_at TEXT,
    released_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX duty_staff_changes_status ON duty_staff_changes (contract_id, status);

CREATE TABLE duty_papers (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                  -- confidentiality | no_criminal_record | training
    received_on TEXT NOT NULL,           -- ISO date (training: the day it was held)
    recorded_by INTEGER,
    recorded_at TEXT NOT NULL,
    UNIQUE (contract_id, person_id, kind, received_on)
);

CREATE TABLE duty_incidents (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    reporter_id INTEGER NOT NULL,        -- people.id
    summary TEXT NOT NULL,
    discovery TEXT,
    cause TEXT,
    impact TEXT,
    handling TEXT,
    approval TEXT NOT NULL DEFAULT 'none',   -- none | requested | approved | returned
    approved_by INTEGER,
    approved_at TEXT,
    improvements TEXT,
    status TEXT NOT NULL DEFAULT 'open',     -- open | closed
    created_at TEXT NOT NULL,
    closed_at TEXT,
    last_reminded_at TEXT
);
CREATE INDEX duty_incidents_status ON duty_incidents (contract_id, status);

CREATE TABLE duty_drills (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    scenario TEXT NOT NULL,              -- a built-in scenario key (key_staff_loss …) or free text
    planned_on TEXT NOT NULL,            -- ISO date
    status TEXT NOT NULL DEFAULT 'planned',  -- planned | done
    result TEXT,
    done_at TEXT,
    done_by INTEGER,
    source TEXT NOT NULL DEFAULT 'chat', -- config | chat
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, scenario, planned_on)
);

-- One row per thing a duty timer did (a reminder sent, a backup made): claimed with INSERT OR IGNORE.
CREATE TABLE duty_marks (
    contract_id TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (contract_id, key)
);
