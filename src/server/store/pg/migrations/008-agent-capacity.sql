-- Deskwatch schema (PostgreSQL), version 8 (agent capacity): each change of an agent's capacity, read from the
-- audit trail by the same incremental reader as the agent facts (migration 007), so utilization
-- weighs the load at each moment against the capacity the agent had then, not the one it has now.
CREATE TABLE agent_capacity (
  audit_id  BIGINT PRIMARY KEY,    -- the audit row it was read from (user, field capacity)
  user_id   BIGINT NOT NULL REFERENCES users (id),
  at        BIGINT NOT NULL,
  before    BIGINT,
  after     BIGINT
);
CREATE INDEX agent_capacity_user_at ON agent_capacity (user_id, at);

-- The changes the reader went past already: it goes on from its watermark.
INSERT INTO agent_capacity (audit_id, user_id, at, before, after)
  SELECT id, entity_id, at, CAST (before AS BIGINT), CAST (after AS BIGINT) FROM audit
  WHERE entity = 'user' AND field = 'capacity'
    AND id <= coalesce ((SELECT CAST (value AS BIGINT) FROM settings
                         WHERE key = 'agent_facts_audit_id'), 0);
