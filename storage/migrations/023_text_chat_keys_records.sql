-- Issue 18 (as 021): the chat a check-in or a ticket came from may be a DingTalk key ("group:<conversationId>") as
-- well as a Telegram number. SQLite's INTEGER affinity keeps both as written; PostgreSQL needs TEXT columns.
-- storage/attendance.py and storage/tickets.py bind them as text and read numbers back as numbers.
-- only: postgresql
ALTER TABLE attendance_days ALTER COLUMN chat_id TYPE TEXT USING chat_id::text;
-- only: postgresql
ALTER TABLE tickets ALTER COLUMN source_chat_id TYPE TEXT USING source_chat_id::text;
