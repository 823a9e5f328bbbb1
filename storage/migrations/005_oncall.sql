-- On-call rota and holiday duty (#6). A duty day D covers the hours outside working time from
-- D at working_hours.start until D+1 at working_hours.start (the night belongs to the evening before).

CREATE TABLE oncall_shifts (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    day TEXT NOT NULL,                   -- ISO date of the duty day
    person_id INTEGER NOT NULL,
    source TEXT NOT NULL,                -- manual | plan | swap
    plan_id INTEGER,
    created_at TEXT NOT NULL,
    created_by INTEGER,
    UNIQUE (contract_id, day, person_id)
);
CREATE INDEX oncall_by_day ON oncall_shifts (contract_id, day);

CREATE TABLE duty_plans (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    name TEXT NOT NULL,                  -- 国庆节
    name_en TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed',   -- proposed | approved
    proposed_at TEXT NOT NULL,
    proposed_by INTEGER,                 -- NULL: proposed by the bot
    approved_at TEXT,
    approved_by INTEGER,
    UNIQUE (contract_id, first_day)
);

CREATE TABLE duty_plan_days (
    contract_id TEXT NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES duty_plans (id),
    day TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (contract_id, plan_id, day)
);

CREATE TABLE duty_swaps (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    day TEXT NOT NULL,
    from_person INTEGER NOT NULL,        -- on duty that day, asks
    to_person INTEGER NOT NULL,          -- takes the day over
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | peer_ok | approved | declined
    requested_at TEXT NOT NULL,
    peer_ok_at TEXT,
    decided_at TEXT,
    decided_by INTEGER
);

-- Daily jobs of the rota (morning reminder, hand-over prompt, coverage check …) claimed once per day.
CREATE TABLE oncall_runs (
    contract_id TEXT NOT NULL,
    job TEXT NOT NULL,
    day TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, job, day)
);
