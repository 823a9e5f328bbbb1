-- Issue 20, items 2 and 5.
-- A ticket waiting for the client, a third party or spare parts (待甲方确认 / 等待第三方 / 待备件): its clock
-- pauses. While waiting_since is set the ticket is neither overdue nor missed; when the wait ends its due time
-- moves by the working time it waited, added to paused_seconds (shown by /score why).
ALTER TABLE tickets ADD COLUMN waiting_since TEXT;
ALTER TABLE tickets ADD COLUMN waiting_reason TEXT;      -- client | third_party | parts
ALTER TABLE tickets ADD COLUMN waiting_note TEXT;
ALTER TABLE tickets ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0;

-- An acknowledgement (收到) may carry a short note and an estimated arrival ("收到，预计 20 分钟到").
ALTER TABLE urgent_requests ADD COLUMN ack_note TEXT;
ALTER TABLE urgent_requests ADD COLUMN ack_eta TEXT;
