-- Attendance (#4): one row per engineer per day (check-in, check-out, location), and the leave and
-- make-up (补卡) requests that supervisors decide.

CREATE TABLE attendance_days (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    day TEXT NOT NULL,                   -- ISO local date of the check-in
    checkin_at TEXT,                     -- UTC
    checkout_at TEXT,                    -- UTC (the latest check-out of the day)
    chat_id INTEGER,                     -- where the check-in was sent (private chat or group)
    late_minutes INTEGER NOT NULL DEFAULT 0,     -- after working_hours.start on a working day
    early_minutes INTEGER NOT NULL DEFAULT 0,    -- check-out before working_hours.end on a working day
    holiday_duty INTEGER NOT NULL DEFAULT 0,     -- checked in on a weekend or holiday
    latitude REAL,
    longitude REAL,
    distance_m REAL,                     -- from the site, haversine
    outside_site INTEGER,                -- 1: farther than site.radius_m (recorded, flagged, not refused)
    location_at TEXT,                    -- UTC
    created_at TEXT NOT NULL,
    UNIQUE (contract_id, person_id, day)
);
CREATE INDEX attendance_days_by_day ON attendance_days (contract_id, day);

CREATE TABLE attendance_requests (
    id INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                  -- leave | makeup
    first_day TEXT NOT NULL,             -- ISO date
    last_day TEXT NOT NULL,              -- ISO date (= first_day for a make-up)
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',      -- pending | approved | rejected
    created_at TEXT NOT NULL,
    decided_by INTEGER,                  -- people.id
    decided_at TEXT
);
CREATE INDEX attendance_requests_by_person ON attendance_requests (contract_id, person_id, kind, status);
