-- SQL the migration runner cannot express. Applied after `prisma migrate deploy` on every start
-- by src/db/migrate.ts; every statement is idempotent.

-- The audit trail is append-only: the database rejects any change to a written row.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent rows are append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "AuditEvent_append_only" ON "AuditEvent";
CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

-- Free-text search over a request: name, account, requester, reasons, revoker and target names.
-- The sortable columns use the ICU collation and targetNames the database default. lower() needs
-- one collation, so the text is lowered under the default, as searches compare it.
CREATE OR REPLACE FUNCTION jit_request_search_text() RETURNS trigger AS $$
BEGIN
  NEW."searchText" := lower(concat_ws(' ', NEW.name, NEW."userAccountName", NEW."requestedBy",
    NEW."approvedBy", NEW."reasonByUser", NEW."reasonByAdmin", NEW."revokedBy", NEW."targetNames")
    COLLATE "default");
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "JitRequest_search_text" ON "JitRequest";
CREATE TRIGGER "JitRequest_search_text"
  BEFORE INSERT OR UPDATE ON "JitRequest"
  FOR EACH ROW EXECUTE FUNCTION jit_request_search_text();
