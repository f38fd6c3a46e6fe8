-- Deskwatch schema (PostgreSQL), version 2 (server): what routing and a fresh desk need.

-- When the agent last got a ticket: routing's tie-break (least recently assigned first).
ALTER TABLE users ADD COLUMN last_assigned_at BIGINT;

-- A fresh desk needs one business calendar before it can have a team (teams.calendar_id).
-- Monday to Friday 09:00-18:00 China Standard Time; the demo adds the statutory holidays.
INSERT INTO calendars (name, timezone, week)
  SELECT 'Standard hours', 'Asia/Shanghai',
         '[[[540,1080]],[[540,1080]],[[540,1080]],[[540,1080]],[[540,1080]],[],[]]'
  WHERE NOT EXISTS (SELECT 1 FROM calendars);

-- Ticket list filters and text search.
CREATE INDEX tickets_status ON tickets (status, id);
