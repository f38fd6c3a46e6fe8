-- Deskwatch schema, version 1.  All times are Unix seconds (UTC).  JSON columns hold compact JSON.
-- Enumerated columns hold the wire strings of src/core/dw-enums.h.

CREATE TABLE calendars (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  timezone      TEXT NOT NULL,                 -- IANA name, e.g. Asia/Shanghai
  week          TEXT NOT NULL,                 -- JSON: 7 arrays (Mon..Sun) of [start_min, end_min] pairs
  holidays      TEXT NOT NULL DEFAULT '[]',    -- JSON: ["YYYY-MM-DD", ...] closed all day
  workdays      TEXT NOT NULL DEFAULT '[]'     -- JSON: [{"date":"YYYY-MM-DD","as":1..7}] adjusted workdays (调休)
);

CREATE TABLE teams (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  description    TEXT NOT NULL DEFAULT '',
  calendar_id    INTEGER NOT NULL REFERENCES calendars (id),
  created_at     INTEGER NOT NULL
);

CREATE TABLE business_types (
  key            TEXT PRIMARY KEY,             -- e.g. presales, returns, logistics, quality, complaints
  name           TEXT NOT NULL,
  team_id        INTEGER NOT NULL REFERENCES teams (id),
  skill          TEXT                          -- skill an agent needs, NULL for none
);

CREATE TABLE routing_rules (                   -- keyword classification, first match by position wins
  id             INTEGER PRIMARY KEY,
  position       INTEGER NOT NULL,
  keyword        TEXT NOT NULL,
  business_type  TEXT NOT NULL REFERENCES business_types (key)
);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
  password_hash  TEXT,                         -- libsodium crypto_pwhash_str (Argon2id); NULL: cannot sign in
  capacity       INTEGER NOT NULL DEFAULT 5 CHECK (capacity >= 0),
  presence       TEXT NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'away', 'offline')),
  presence_since INTEGER NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE team_members (
  team_id        INTEGER NOT NULL REFERENCES teams (id),
  user_id        INTEGER NOT NULL REFERENCES users (id),
  is_lead        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE user_skills (
  user_id        INTEGER NOT NULL REFERENCES users (id),
  skill          TEXT NOT NULL,
  level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  PRIMARY KEY (user_id, skill)
);

CREATE TABLE presence_log (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  presence       TEXT NOT NULL,
  at             INTEGER NOT NULL
);
CREATE INDEX presence_log_user ON presence_log (user_id, at);

CREATE TABLE shifts (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  team_id        INTEGER NOT NULL REFERENCES teams (id),
  starts_at      INTEGER NOT NULL,
  ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_time ON shifts (starts_at);

CREATE TABLE tokens (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  token_hash     TEXT NOT NULL UNIQUE,         -- hex BLAKE2b (crypto_generichash) of the token; the token itself is never stored
  label          TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER,                      -- NULL: no expiry
  revoked_at     INTEGER,
  last_used_at   INTEGER
);

CREATE TABLE customers (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  email          TEXT,
  phone          TEXT,
  tags           TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings, e.g. ["vip"]
  created_at     INTEGER NOT NULL
);

CREATE TABLE sla_policies (
  id                     INTEGER PRIMARY KEY,
  name                   TEXT NOT NULL UNIQUE,
  position               INTEGER NOT NULL,     -- first matching policy (lowest position) applies
  match_priorities       TEXT NOT NULL DEFAULT '[]',  -- JSON arrays; empty matches any
  match_tags             TEXT NOT NULL DEFAULT '[]',  -- customer tags, any of
  match_channels         TEXT NOT NULL DEFAULT '[]',
  match_business_types   TEXT NOT NULL DEFAULT '[]',
  first_response_minutes INTEGER,              -- business minutes; NULL: no such target
  next_response_minutes  INTEGER,
  resolution_minutes     INTEGER,
  at_risk_ratio          REAL NOT NULL DEFAULT 0.75 CHECK (at_risk_ratio > 0 AND at_risk_ratio < 1),
  escalation             TEXT NOT NULL DEFAULT '{"raise_priority":true,"notify_lead":true,"reassign":false}'
);

CREATE TABLE tickets (
  id                 INTEGER PRIMARY KEY,
  subject            TEXT NOT NULL,
  body               TEXT NOT NULL DEFAULT '',
  channel            TEXT NOT NULL,
  business_type      TEXT,
  priority           TEXT NOT NULL DEFAULT 'normal',
  status             TEXT NOT NULL DEFAULT 'new',
  team_id            INTEGER REFERENCES teams (id),
  assignee_id        INTEGER REFERENCES users (id),
  customer_id        INTEGER REFERENCES customers (id),
  order_number       TEXT,
  tags               TEXT NOT NULL DEFAULT '[]',
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  first_response_at  INTEGER,
  solved_at          INTEGER,
  version            INTEGER NOT NULL DEFAULT 1,
  escalation_level   INTEGER NOT NULL DEFAULT 0,
  sla_policy_id      INTEGER REFERENCES sla_policies (id),
  sla_state          TEXT NOT NULL DEFAULT 'none', -- worst target state, for filtering
  sla                TEXT NOT NULL DEFAULT '[]',   -- JSON: per-target state, see docs/api.md "SLA target"
  next_sla_at        INTEGER,                      -- next moment a target changes state; NULL: none scheduled
  csat               INTEGER CHECK (csat BETWEEN 1 AND 5),
  csat_comment       TEXT
);
CREATE INDEX tickets_team_status ON tickets (team_id, status);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_next_sla ON tickets (next_sla_at) WHERE next_sla_at IS NOT NULL;

CREATE TABLE comments (
  id             INTEGER PRIMARY KEY,
  ticket_id      INTEGER NOT NULL REFERENCES tickets (id),
  author_kind    TEXT NOT NULL CHECK (author_kind IN ('agent', 'customer', 'system')),
  author_id      INTEGER,                      -- users.id for agents, customers.id for customers
  public         INTEGER NOT NULL,             -- 1: reply the customer sees; 0: internal note
  body           TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments (ticket_id, id);

-- Append-only: rows are never updated or deleted.
CREATE TABLE audit (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  actor_id       INTEGER,                      -- users.id; NULL for the system (routing, SLA engine, intake)
  entity         TEXT NOT NULL,                -- ticket, user, team, customer, token, sla_policy
  entity_id      INTEGER NOT NULL,
  action         TEXT NOT NULL,                -- created, updated, assigned, routed, commented, sla, escalated, ...
  field          TEXT,
  before         TEXT,                         -- JSON value or NULL
  after          TEXT,                         -- JSON value or NULL
  reason         TEXT
);
CREATE INDEX audit_entity ON audit (entity, entity_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;

-- The event stream.  seq is the stream's sequence number; old rows are pruned, and a client asking
-- for a seq older than the oldest kept row is told to resync.
CREATE TABLE events (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  at             INTEGER NOT NULL,
  type           TEXT NOT NULL,                -- ticket.created, ticket.updated, comment.created, user.updated, sla.changed, ...
  team_id        INTEGER,                      -- for role scoping of the stream
  user_id        INTEGER,                      -- the agent the event concerns, if any
  data           TEXT NOT NULL                 -- JSON object, see docs/api.md "Events"
);

CREATE TABLE settings (
  key            TEXT PRIMARY KEY,
  value          TEXT NOT NULL
);
