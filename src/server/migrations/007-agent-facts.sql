-- Deskwatch schema, version 7 (agent facts): what each agent did, read once from the audit trail.
-- Per-agent figures (GET /api/v1/agents/metrics) are counted from these rows, which the service
-- brings up to date from the audit rows added since it last looked (settings
-- 'agent_facts_audit_id'), instead of scanning the whole append-only audit trail per request.
CREATE TABLE agent_facts (
  id               INTEGER PRIMARY KEY,
  audit_id         INTEGER NOT NULL,   -- the audit row it was read from
  at               INTEGER NOT NULL,
  user_id          INTEGER NOT NULL REFERENCES users (id),
  team_id          INTEGER,            -- the ticket's team then
  ticket_id        INTEGER NOT NULL REFERENCES tickets (id),
  kind             TEXT NOT NULL CHECK (kind IN ('assigned', 'first-response', 'solved',
                                                 'reopened', 'sla-met', 'sla-breached', 'load')),
  target           TEXT,               -- sla-*: first-response, next-response or resolution
  calendar_seconds INTEGER,            -- first-response, solved: since the ticket was created
  business_seconds INTEGER,            -- the same in the team calendar's open hours
  replies          INTEGER,            -- solved: the agent's public replies on the ticket
  delta            INTEGER             -- load: +1 or -1, an active ticket became or stopped being the agent's
);
CREATE INDEX agent_facts_user_at ON agent_facts (user_id, kind, at);
CREATE INDEX agent_facts_team_at ON agent_facts (team_id, at);
CREATE INDEX agent_facts_ticket ON agent_facts (ticket_id, kind, at);

-- What the reader needs to know of a ticket between two audit rows.
CREATE TABLE agent_fact_tickets (
  ticket_id        INTEGER PRIMARY KEY REFERENCES tickets (id),
  created_at       INTEGER NOT NULL,
  team_id          INTEGER,
  assignee_id      INTEGER,
  solver_id        INTEGER,
  active           INTEGER NOT NULL DEFAULT 1   -- new, open, pending or on hold
);
