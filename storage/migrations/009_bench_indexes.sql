-- Indexes for the score at a year's scale (#10, bench/bench_score.py): 20,000 tickets, 2,000 urgent requests
-- and a check-in per engineer per working day. Each one covers a query /score runs for every component.

-- completion rate: tickets due in the period, counted on time / not yet due in SQL (index only).
CREATE INDEX tickets_due_resolved ON tickets (contract_id, due_at, resolved_at);

-- satisfaction rate: ratings given in the period, counted by rating (index only).
CREATE INDEX tickets_rated_rating ON tickets (contract_id, rated_at, rating);

-- attendance: the period's days in (day, person) order without a temporary sort.
CREATE INDEX attendance_days_by_day_person ON attendance_days (contract_id, day, person_id);
