-- Many contracts in one deployment (issue 18, item 3): the contract a person chose with /project for their
-- private chats. One row per person and platform identity ("telegram:<id>", "dingtalk:<userId>"); contract_id is
-- the chosen contract. A person on one contract needs no row.
CREATE TABLE contract_choices (
    person_key TEXT NOT NULL PRIMARY KEY,
    contract_id TEXT NOT NULL,
    chosen_at TEXT NOT NULL
);

-- A button press finds the contract of the message it sits on (a reminder of contract A pressed while the person's
-- current contract is B): the sent outbox row with that chat and message id.
CREATE INDEX outbox_sent_message ON outbox (chat_id, message_id);
