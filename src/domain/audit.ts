import type { Prisma } from '../db/client.js';
import { type Actor, actorName, type Transaction } from './context.js';

export interface AuditEntry {
  actor: Actor;
  action: string;
  at: Date;
  requestId?: string;
  deviceId?: string;
  details?: Prisma.InputJsonValue;
}

/** Appends one audit event inside the caller's transaction, so it commits with the change it records. */
export async function writeAudit(tx: Transaction, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      at: entry.at,
      actor: actorName(entry.actor),
      action: entry.action,
      requestId: entry.requestId,
      deviceId:
        entry.deviceId ?? (entry.actor.kind === 'device' ? entry.actor.deviceId : undefined),
      details: entry.details,
    },
  });
}
