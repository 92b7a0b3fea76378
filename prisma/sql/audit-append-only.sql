-- The audit trail is append-only: the database rejects any change to a written row.
-- Applied after `prisma migrate deploy` by src/db/migrate.ts, because the migration runner of
-- Prisma's driver adapter splits statements on semicolons and cannot run a PL/pgSQL body.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent rows are append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "AuditEvent_append_only" ON "AuditEvent";
CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
