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
 * Takes a transaction-level advisory lock on one device's commands. Everything that creates or
 * retires commands of a device takes it first, so two replicas or two concurrent changes cannot
 * create the same command twice.
 */
export async function lockDeviceCommands(tx: Transaction, deviceId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`agent-commands:${deviceId}`}, 0))`;
}
