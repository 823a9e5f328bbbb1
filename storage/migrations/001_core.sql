-- Core tables: people (roster), chats (bound groups), audit (append-only), outbox, processed updates.

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    name TEXT NOT NULL,
    telegram_id INTEGER NOT NULL,
    roles TEXT NOT NULL,                 -- comma-separated Role values
    phone TEXT,
    party TEXT,                          -- client | vendor | NULL
    language TEXT,                       -- NULL: the contract default
    start_date TEXT,                     -- ISO date the person joined the project
    end_date TEXT,                       -- ISO date the person left (NULL: still on the project)
    status TEXT NOT NULL DEFAULT 'active',   -- active | handover | left
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, telegram_id),
    UNIQUE (contract_id, name)
);

CREATE TABLE chats (
    contract_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                  -- group
    title TEXT,
    bound_by INTEGER,
    bound_at TEXT NOT NULL,
    privacy_warned INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_id, chat_id)
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor_name TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before TEXT,                         -- JSON
    after TEXT                           -- JSON
);
CREATE INDEX audit_by_time ON audit (contract_id, at);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    buttons TEXT,                        -- JSON [[{"text":..,"data":..}], ...]
    kind TEXT NOT NULL,                  -- what the message is for (urgent.ping, attendance.reminder…)
    dedup_key TEXT,                      -- the same key is never queued twice
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    message_id INTEGER,
    last_error TEXT,
    document_path TEXT,                  -- optional file to send (sendDocument / sendPhoto)
    document_kind TEXT,                  -- document | photo
    UNIQUE (contract_id, dedup_key)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_chat ON outbox (chat_id, status, id);

CREATE TABLE processed_updates (
    contract_id TEXT NOT NULL,
    update_id INTEGER NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, update_id)
);
