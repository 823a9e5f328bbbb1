-- Issue 17: DingTalk as a second platform. Every outbox row knows the platform it goes out on; the chat key
-- of a DingTalk row is text ("user:<staffId>" for one person, "group:<conversationId>" for the contract's
-- group): always non-numeric, so the column's INTEGER affinity keeps it as written (Telegram rows keep numbers).
ALTER TABLE outbox ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram';
