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

-- The audit records the person who acted (whatever platform they used), not only a Telegram id.
ALTER TABLE audit ADD COLUMN actor_person_id INTEGER;
DROP TRIGGER audit_no_update;  -- the one update the audit ever gets: filling the new column of old rows
UPDATE audit SET actor_person_id = (SELECT p.id FROM people p WHERE p.contract_id = audit.contract_id
                                    AND p.telegram_id = audit.actor_telegram_id)
WHERE actor_telegram_id IS NOT NULL;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
