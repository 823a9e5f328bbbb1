-- Who a person is on each chat platform: (platform, external id as text). Telegram ids are copied from people;
-- other platforms (DingTalk staff ids, the in-memory test platform) are added by the roster or by linking.
CREATE TABLE person_identities (
    contract_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    UNIQUE (contract_id, platform, external_id),
    UNIQUE (contract_id, person_id, platform)
);

INSERT INTO person_identities (contract_id, person_id, platform, external_id)
SELECT contract_id, id, 'telegram', CAST(telegram_id AS TEXT) FROM people;

-- The audit records the person who acted (whatever platform they used), not only a Telegram id. Rows written
-- before this migration keep their Telegram id (the audit is append-only: old rows are never rewritten).
ALTER TABLE audit ADD COLUMN actor_person_id INTEGER;
