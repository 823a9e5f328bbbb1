-- Issue 18.2: several replicas on one PostgreSQL database.
-- A named lease (polling one bot token): its holder and when it expires, in the database server's epoch seconds
-- (storage/leases.py), so replicas whose clocks disagree still agree on it.
CREATE TABLE leases (
    contract_id TEXT NOT NULL,
    name TEXT NOT NULL,                 -- telegram-polling:<bot id>
    holder TEXT NOT NULL,               -- host:pid:random of the replica
    expires DOUBLE PRECISION NOT NULL,
    since DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (contract_id, name)
);

-- An outbox row taken by one replica's sender (bot/delivery.py): who, and until when (epoch seconds, server time).
-- A row claimed by a replica that died is taken by another once its claim has expired.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_expires DOUBLE PRECISION;
