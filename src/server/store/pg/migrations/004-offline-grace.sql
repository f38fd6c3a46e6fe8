-- Deskwatch schema (PostgreSQL), version 4 (stranded tickets): how long, in minutes, the new and open tickets
-- of an agent who went offline stay with it before they go back to the team's queue.
ALTER TABLE teams ADD COLUMN offline_grace_minutes BIGINT NOT NULL DEFAULT 10;
