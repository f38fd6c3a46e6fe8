-- Deskwatch schema (PostgreSQL), version 3 (SLA compliance): the compliance figures of GET /api/v1/sla/compliance
-- are counted from the SLA engine's audit rows (action 'sla') of a period; this keeps that scan
-- to the rows of the period instead of the whole append-only audit table.
CREATE INDEX audit_sla_at ON audit (at) WHERE action = 'sla';
