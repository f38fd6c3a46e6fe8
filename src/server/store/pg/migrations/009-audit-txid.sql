-- Deskwatch schema (PostgreSQL), version 9 (audit rows in commit order): each audit row keeps the
-- transaction that wrote it, so that the agent facts' reader (dw-pg-agents.c) reads the rows of
-- the transactions that committed since its last read instead of the ids above its last one.
-- Ids come from an identity at INSERT: with several instances, id N may commit after N + 1, and
-- a reader at N + 1 never came back for N.
--
-- The rows already there keep NULL: their writers have all committed (this ALTER waited for
-- them), and the reader goes on past them from its audit id (settings 'agent_facts_audit_id'),
-- as it does past the rows of a desk moved from SQLite (deskwatchd migrate, one transaction),
-- whose ids one writer committed in order.  IF NOT EXISTS: a test sets a desk's schema back and
-- migrates it again.
ALTER TABLE audit ADD COLUMN IF NOT EXISTS txid xid8;
ALTER TABLE audit ALTER COLUMN txid SET DEFAULT pg_current_xact_id ();
-- The rows not read yet: transactions at or above the last snapshot's xmin and below the new
-- one's xmax (the older rows, without a txid, are read by id).
CREATE INDEX IF NOT EXISTS audit_txid ON audit (txid) WHERE txid IS NOT NULL;
