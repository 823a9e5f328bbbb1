-- The group's attendance board (issue 16, point 5): one message per (chat, day), edited as people check in;
-- its message id is kept so a restart keeps editing the same message.
CREATE TABLE attendance_boards (
    contract_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    day TEXT NOT NULL,
    message_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (contract_id, chat_id, day)
);
