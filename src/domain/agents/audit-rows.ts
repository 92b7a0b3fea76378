import type { Prisma } from '../../db/client.js';
import type { AuditEntry } from '../audit.js';
import { actorName, type Transaction } from '../context.js';

/** Appends many audit events in one statement, with the same fields writeAudit records. */
export async function writeAudits(tx: Transaction, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.auditEvent.createMany({ data: entries.map(auditRow) });
}

function auditRow(entry: AuditEntry): Prisma.AuditEventCreateManyInput {
  return {
    at: entry.at,
    actor: actorName(entry.actor),
    action: entry.action,
    requestId: entry.requestId,
    deviceId: entry.deviceId ?? (entry.actor.kind === 'device' ? entry.actor.deviceId : undefined),
    details: entry.details,
  };
}
