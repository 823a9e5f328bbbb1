-- Cancelling an urgent request that needed nobody on site (false alarm, fixed remotely, raised by mistake).
-- A cancelled request has no clock any more (no reminder, breach or escalation). The responsiveness rate
-- leaves out one cancelled before its deadline and still counts one cancelled after it, without an
-- arrival, as missed.

ALTER TABLE urgent_requests ADD COLUMN cancelled_at TEXT;      -- UTC text; NULL while not cancelled
ALTER TABLE urgent_requests ADD COLUMN cancelled_by INTEGER;   -- people.id
ALTER TABLE urgent_requests ADD COLUMN cancel_reason TEXT;
