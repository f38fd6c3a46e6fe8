-- Deskwatch schema, version 5 (roster): shift templates, shifts with breaks, absences (请假),
-- and each team week's state (draft or published), with the team's roster limits and staffing
-- targets.

ALTER TABLE teams ADD COLUMN min_rest_minutes INTEGER NOT NULL DEFAULT 660
  CHECK (min_rest_minutes BETWEEN 0 AND 2880);
ALTER TABLE teams ADD COLUMN max_day_minutes INTEGER NOT NULL DEFAULT 600
  CHECK (max_day_minutes BETWEEN 60 AND 1440);
ALTER TABLE teams ADD COLUMN max_week_minutes INTEGER NOT NULL DEFAULT 2640
  CHECK (max_week_minutes BETWEEN 60 AND 10080);

-- Staffing targets: live channels (wechat, weibo, phone) by Erlang C, ticket channels (web, app,
-- email) by workload at an occupancy; shrinkage is paid time away from the queue.
ALTER TABLE teams ADD COLUMN target_service_level REAL NOT NULL DEFAULT 0.8
  CHECK (target_service_level > 0 AND target_service_level < 1);
ALTER TABLE teams ADD COLUMN target_answer_seconds INTEGER NOT NULL DEFAULT 20
  CHECK (target_answer_seconds BETWEEN 0 AND 86400);
ALTER TABLE teams ADD COLUMN max_occupancy REAL NOT NULL DEFAULT 0.85
  CHECK (max_occupancy > 0 AND max_occupancy <= 1);
ALTER TABLE teams ADD COLUMN ticket_occupancy REAL NOT NULL DEFAULT 0.85
  CHECK (ticket_occupancy > 0 AND ticket_occupancy <= 1);
ALTER TABLE teams ADD COLUMN shrinkage REAL NOT NULL DEFAULT 0.3
  CHECK (shrinkage >= 0 AND shrinkage < 1);

CREATE TABLE shift_templates (
  id             INTEGER PRIMARY KEY,
  team_id        INTEGER NOT NULL REFERENCES teams (id),
  name           TEXT NOT NULL,
  start_minute   INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),   -- local time of day
  end_minute     INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= start_minute + 1440),
  breaks         TEXT NOT NULL DEFAULT '[]',   -- JSON [{"start_minute": m, "minutes": n}], minutes from local midnight
  UNIQUE (team_id, name)
);

ALTER TABLE shifts ADD COLUMN template_id INTEGER REFERENCES shift_templates (id);
ALTER TABLE shifts ADD COLUMN breaks TEXT NOT NULL DEFAULT '[]';   -- JSON [[starts_at, ends_at], ...] Unix seconds
ALTER TABLE shifts ADD COLUMN break_seconds INTEGER NOT NULL DEFAULT 0;
CREATE INDEX shifts_user ON shifts (user_id, starts_at);
CREATE INDEX shifts_team ON shifts (team_id, starts_at);

CREATE TABLE absences (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  kind           TEXT NOT NULL CHECK (kind IN ('leave', 'sick', 'training')),
  starts_at      INTEGER NOT NULL,
  ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at),
  note           TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL
);
CREATE INDEX absences_user ON absences (user_id, starts_at);

-- A week without a row is published when it has shifts (rosters from before this version, and
-- the demo's), a draft otherwise; the first write to it records that state.
CREATE TABLE roster_weeks (
  team_id        INTEGER NOT NULL REFERENCES teams (id),
  week_start     INTEGER NOT NULL,             -- Monday 00:00 in the team calendar's time zone
  state          TEXT NOT NULL CHECK (state IN ('draft', 'published')),
  published_at   INTEGER,
  published_by   INTEGER REFERENCES users (id),
  PRIMARY KEY (team_id, week_start)
);

-- The staffing forecast counts a team's arrivals per day of its history.
CREATE INDEX tickets_team_created ON tickets (team_id, created_at);
