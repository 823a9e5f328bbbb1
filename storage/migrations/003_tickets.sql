-- Tickets (work orders, 需求工单), their bulk-processing checklist, the FAQ, and the daily maintenance log.

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- one of the contract's eleven kinds (TICKET_KINDS)
    text TEXT NOT NULL,
    system TEXT,                         -- a system in scope (settings.contract.systems) or NULL
    region TEXT,                         -- a region (settings.contract.regions) or NULL
    status TEXT NOT NULL DEFAULT 'open', -- open | taken | resolved | closed
    urgent INTEGER NOT NULL DEFAULT 0,
    requester_id INTEGER NOT NULL,       -- people.id
    assignee_id INTEGER,                 -- people.id
    source_chat_id INTEGER,
    due_at TEXT NOT NULL,
    due_explicit INTEGER NOT NULL DEFAULT 0,   -- 1: the due time came from the report (kept when the kind changes)
    created_at TEXT NOT NULL,
    taken_at TEXT,
    resolved_at TEXT,                    -- the latest resolution (cleared on reopen)
    resolution TEXT,
    closed_at TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    province_no TEXT,
    estimate_days REAL,
    ruling TEXT,                         -- in | out (supervising engineer's ruling on custom development)
    ruling_note TEXT,
    rating TEXT,                         -- satisfied | basically | unsatisfied
    rated_at TEXT,
    rated_by INTEGER,                    -- people.id (NULL: rated automatically)
    rating_comment TEXT,
    overdue_reminded_at TEXT,            -- claimed by the overdue sweep (cleared when the due time moves)
    lead_reminded_at TEXT
);
CREATE INDEX tickets_due ON tickets (contract_id, status, due_at);
CREATE INDEX tickets_rated ON tickets (contract_id, rated_at);

CREATE TABLE ticket_checklist (
    contract_id TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    item TEXT NOT NULL,                  -- backup | tested | verified | recovery
    confirmed_by INTEGER NOT NULL,       -- people.id
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, ticket_id, item)
);

CREATE TABLE faq (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (contract_id, ticket_id)
);

CREATE TABLE daily_logs (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    day TEXT NOT NULL,                   -- ISO local date of the contract timezone
    person_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX daily_logs_by_day ON daily_logs (contract_id, day);
