-- Reliability (issue #9): the liveness stamp and other small state, pruning of processed update ids,
-- and the outbox look-ups of the start-up downtime notice.

CREATE TABLE rel_state (
    contract_id TEXT NOT NULL,
    key TEXT NOT NULL,                   -- last_alive | clean_stop
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, key)
);

CREATE INDEX processed_updates_by_time ON processed_updates (contract_id, processed_at);
CREATE INDEX outbox_by_created ON outbox (contract_id, created_at);

-- What the update looked like: an id seen again with other content is a new update (the console and test
-- drivers number from 1 each run; Telegram picks a random id after a week without updates).
ALTER TABLE processed_updates ADD COLUMN fingerprint TEXT;
