-- Scoring, payments and reports (#7): the client's deductions, recorded payments, monthly report runs.

CREATE TABLE score_deductions (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    component TEXT NOT NULL,             -- daily_maintenance | responsiveness | completion | satisfaction | attendance
    points TEXT NOT NULL,                -- Decimal as text, > 0
    reason TEXT NOT NULL,
    day TEXT NOT NULL,                   -- ISO date the deduction counts on (the period containing it)
    created_at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor_name TEXT
);
CREATE INDEX score_deductions_by_day ON score_deductions (contract_id, day);

CREATE TABLE payments (
    contract_id TEXT NOT NULL,
    milestone TEXT NOT NULL,             -- a key of assessment.milestones (signing, midterm, final)
    paid_on TEXT NOT NULL,               -- ISO date
    amount TEXT NOT NULL,                -- Decimal as text, CNY
    recorded_at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor_name TEXT,
    PRIMARY KEY (contract_id, milestone)
);

CREATE TABLE report_runs (
    contract_id TEXT NOT NULL,
    month TEXT NOT NULL,                 -- YYYY-MM the report covers
    sent_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, month)
);
