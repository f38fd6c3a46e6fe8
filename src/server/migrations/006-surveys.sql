-- Deskwatch schema, version 6 (surveys): a rating comes from the customer's survey, never from
-- an agent.  Solving a ticket issues a survey (its link's token is a MAC of its id, so no token
-- is stored); the customer answers it once before it expires; an admin may void an answer.
-- tickets.csat / csat_comment keep the ticket's current answer, written only by the survey path.
CREATE TABLE surveys (
  id             INTEGER PRIMARY KEY,
  ticket_id      INTEGER NOT NULL REFERENCES tickets (id),
  issued_at      INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  answered_at    INTEGER,
  rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
  comment        TEXT,
  voided_at      INTEGER,
  voided_by      INTEGER REFERENCES users (id),
  void_reason    TEXT
);
CREATE INDEX surveys_ticket ON surveys (ticket_id, id);

-- Ratings from before surveys: kept as answered surveys of their ticket.
INSERT INTO surveys (ticket_id, issued_at, expires_at, answered_at, rating, comment)
  SELECT id, coalesce (solved_at, updated_at), coalesce (solved_at, updated_at) + 604800,
         coalesce (solved_at, updated_at), csat, csat_comment
  FROM tickets WHERE csat IS NOT NULL;
