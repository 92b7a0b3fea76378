import type { AuditEntry } from '../audit.js';
import { actorName, type Transaction } from '../context.js';

/**
 * Appends many audit events in one statement, with the same fields writeAudit records. Each
 * column is one array parameter, so a batch of thousands of events stays a short statement.
 * Rows are inserted in the order given, so their ids keep that order.
 */
export async function writeAudits(tx: Transaction, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const deviceIdOf = (entry: AuditEntry) =>
    entry.deviceId ?? (entry.actor.kind === 'device' ? entry.actor.deviceId : null);
  // Prisma stores DateTime as UTC timestamps without zone, hence AT TIME ZONE 'UTC'.
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" (at, actor, action, "requestId", "deviceId", details)
    SELECT e.at AT TIME ZONE 'UTC', e.actor, e.action, e.request_id, e.device_id, e.details::jsonb
    FROM unnest(
      ${entries.map((entry) => entry.at.toISOString())}::timestamptz[],
      ${entries.map((entry) => actorName(entry.actor))}::text[],
      ${entries.map((entry) => entry.action)}::text[],
      ${entries.map((entry) => entry.requestId ?? null)}::text[],
      ${entries.map(deviceIdOf)}::text[],
      ${entries.map((entry) => (entry.details === undefined ? null : JSON.stringify(entry.details)))}::text[]
    ) WITH ORDINALITY AS e(at, actor, action, request_id, device_id, details, position)
    ORDER BY e.position`;
}
