-- Photos and files kept with records (#20 item 3) and per-person quiet hours (#20 item 7).

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    record_type TEXT,                    -- ticket | daily | incident | urgent; NULL: still asking which record
    record_id INTEGER,                   -- the ticket / incident / urgent request id (daily: the log's id)
    kind TEXT NOT NULL,                  -- photo | document
    platform TEXT NOT NULL,              -- telegram | dingtalk | memory
    platform_file_id TEXT NOT NULL,      -- the platform's file id: enough to show the file again
    name TEXT,
    size INTEGER,
    mime TEXT,
    caption TEXT,
    local_path TEXT,                     -- the local copy, when [media] keeps one
    person_id INTEGER NOT NULL,          -- who sent it
    chat_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_record ON attachments (contract_id, record_type, record_id);

CREATE TABLE quiet_hours (
    contract_id TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,       -- minutes after local midnight (Asia/Shanghai)
    end_minute INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, person_id)
);
-- Outbox rows held for someone's quiet hours have status 'held' and next_attempt_at = the end of the quiet hours;
-- the digest timer turns them into one message ('digested') when the quiet hours end.
CREATE INDEX outbox_held ON outbox (contract_id, status, next_attempt_at);
