import type { Prisma } from '../../db/client.js';
import type { Transaction } from '../context.js';

/** Kind of a persisted agent command: keep an account elevated, or lower it. */
export type AgentCommandKind = 'apply' | 'lower';

/** Reason an account must be lowered. */
export type LowerReason = 'ended' | 'revoked' | 'drift';

/** The JSON stored in AgentCommand.payload. Every command names its account. */
export interface AgentCommandPayload {
  userAccountName: string;
  requestId: string | null;
  /** Apply only: the session was SUSPENDED and is applied again for the rest of its window. */
  reapply?: boolean;
  /** Lower only. */
  reason?: LowerReason;
}

export interface AgentCommandRow {
  id: string;
  sessionId: string | null;
  kind: string;
  payload: Prisma.JsonValue;
  sentAt: Date | null;
  ackedAt: Date | null;
}

export function payloadOf(command: Pick<AgentCommandRow, 'payload'>): AgentCommandPayload {
  const payload = (command.payload ?? {}) as Partial<AgentCommandPayload>;
  return {
    userAccountName: String(payload.userAccountName ?? ''),
    requestId: payload.requestId ?? null,
    reapply: payload.reapply,
    reason: payload.reason,
  };
}

/**
 * Takes transaction-level advisory locks on devices' commands. Everything that creates or retires
 * commands of a device takes its lock first, so two replicas or two concurrent changes cannot
 * create the same command twice. Locks are taken in hash order, so two batches cannot deadlock on
 * them.
 */
export async function lockDevicesCommands(
  tx: Transaction,
  deviceIds: readonly string[],
): Promise<void> {
  const keys = deviceIds.map((deviceId) => `agent-commands:${deviceId}`);
  await tx.$queryRaw`
    SELECT count(*)::int AS locked FROM (
      SELECT pg_advisory_xact_lock(ordered.key_hash)
      FROM (
        SELECT hashtextextended(key, 0) AS key_hash
        FROM unnest(${keys}::text[]) AS key
        ORDER BY 1
      ) AS ordered
    ) AS locks`;
}
