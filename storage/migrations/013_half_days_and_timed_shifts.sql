-- Half-day leave and on-call shifts with times (issue 13, item 5).
-- A leave request may cover the morning or the afternoon of one day (first_day = last_day); it counts as
-- half a working day in attendance and in the rate.
ALTER TABLE attendance_requests ADD COLUMN half TEXT;    -- NULL: whole days; am | pm: that half of first_day

-- An on-call shift may cover only part of its duty day's off-hours ("/oncall set 今天18:00至明天09:00");
-- NULL times: the whole duty day as before (working_hours.start on `day` until the same time the next day).
ALTER TABLE oncall_shifts ADD COLUMN starts_at TEXT;     -- UTC text
ALTER TABLE oncall_shifts ADD COLUMN ends_at TEXT;       -- UTC text
