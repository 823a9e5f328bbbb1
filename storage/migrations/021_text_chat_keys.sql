-- Issue 18: a chat key is a Telegram chat's number or a DingTalk key ("user:<staffId>", "group:<conversationId>").
-- SQLite's INTEGER affinity keeps both as written (nothing to do there); PostgreSQL needs TEXT columns.
-- storage/outbox.py and storage/chats.py bind chat keys as text and read numbers back as numbers.
-- only: postgresql
ALTER TABLE outbox ALTER COLUMN chat_id TYPE TEXT USING chat_id::text;
-- only: postgresql
ALTER TABLE chats ALTER COLUMN chat_id TYPE TEXT USING chat_id::text;
