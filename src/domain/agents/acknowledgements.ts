import type { Prisma } from '../../db/client.js';
import type { DeviceSessionState, JitStatus } from '../../generated/prisma/enums.js';
import type { AuditEntry } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import { type DomainError, NotFoundError, ValidationError } from '../errors.js';
import { remainingSeconds } from '../requests/lifecycle.js';
import { truncate } from '../requests/validation.js';
import { writeAudits } from './audit-rows.js';
import { payloadOf } from './commands.js';
import { overrunSeconds } from './overrun.js';
import { retryOnConflict } from './retry.js';

export type AcknowledgementResult = 'applied' | 'lowered' | 'account-not-found' | 'failed';

export interface AcknowledgementInput {
  commandId: string;
  result: AcknowledgementResult;
  /** The agent's error text for `failed`. */
  error?: string;
  /** Seconds since the agent lowered the account on its own, by its monotonic clock. */
  loweredSecondsAgo?: number;
}

export interface AcknowledgementOutcome {
  /** True when the command had been acknowledged before: nothing changed. */
  alreadyAcknowledged: boolean;
  /** The device session's new state, when this acknowledgement changed it. */
  sessionState?: DeviceSessionState;
  /** True when the device needs a new desired state (an apply landed on a session that ended). */
  desiredStateChanged: boolean;
  /** True when the command stays unacknowledged (a failed lower), so it is sent again. */
  commandPending: boolean;
}

/** The device whose agent sends an acknowledgement. */
export interface AgentDevice {
  id: string;
  name: string;
}

export interface AcknowledgementItem {
  device: AgentDevice;
  input: AcknowledgementInput;
}

export type AcknowledgementItemResult =
  { ok: true; outcome: AcknowledgementOutcome } | { ok: false; error: DomainError };

const maxReasonLength = 1000;

const noChange: AcknowledgementOutcome = {
  alreadyAcknowledged: false,
  desiredStateChanged: false,
  commandPending: false,
};

interface CommandState {
  id: string;
  deviceId: string;
  sessionId: string | null;
  kind: string;
  payload: Prisma.JsonValue;
  ackedAt: Date | null;
}

interface SessionState {
  id: string;
  state: DeviceSessionState;
  appliedAt: Date | null;
  removedAt: Date | null;
  failureReason: string | null;
  overrunSeconds: number | null;
  requestId: string;
  status: JitStatus;
  expiresAt: Date | null;
  endedAt: Date | null;
  userAccountName: string;
}

/** Everything a batch of acknowledgements writes, gathered first and written in a few statements. */
class AcknowledgementWrites {
  readonly commands = new Map<string, { acked: boolean; result: string }>();
  readonly sessions = new Set<SessionState>();
  readonly audits: AuditEntry[] = [];
  readonly changes = new Map<string, { action: string; requestId: string; status: JitStatus }>();

  constructor(readonly now: Date) {}

  recordCommand(command: CommandState, acked: boolean, input: AcknowledgementInput): void {
    this.commands.set(command.id, { acked, result: JSON.stringify(resultJson(input)) });
  }

  changeSession(session: SessionState, action: string): void {
    this.sessions.add(session);
    this.changes.set(`${session.requestId}:${action}`, {
      action,
      requestId: session.requestId,
      status: session.status,
    });
  }
}

/**
 * Records an agent's result for one command and moves its device session: WAITING or SUSPENDED
 * to APPLIED, to FAILED with the reason, or to REMOVED with removedAt and, when the account was
 * lowered after the planned end, the overrun. A failed lower stays pending so it is sent again.
 * Acknowledging a command twice changes nothing.
 */
export async function acknowledgeCommand(
  context: DomainContext,
  device: AgentDevice,
  input: AcknowledgementInput,
): Promise<AcknowledgementOutcome> {
  const [result] = await acknowledgeCommands(context, [{ device, input }]);
  if (!result!.ok) throw result!.error;
  return result!.outcome;
}

/**
 * Records many acknowledgements, possibly from many devices, in one transaction with a fixed
 * number of statements, as acknowledgeCommand does for one. Items are decided in order, so a
 * command acknowledged twice in one batch counts once. An item that fails (unknown command,
 * result of the wrong kind) gets its error in the result and does not affect the others.
 */
export async function acknowledgeCommands(
  context: DomainContext,
  items: readonly AcknowledgementItem[],
): Promise<AcknowledgementItemResult[]> {
  if (items.length === 0) return [];
  const now = context.clock.now();
  // Decisions are made afresh on each attempt, from rows read under the attempt's locks.
  const { results, writes } = await retryOnConflict(() =>
    inTransaction(context, async (tx) => {
      const commands = await lockCommands(tx, items);
      const sessions = await lockSessions(tx, [...commands.values()]);
      const writes = new AcknowledgementWrites(now);
      const results = items.map((item) => decide(item, commands, sessions, writes));
      await writeAcknowledgements(tx, writes);
      return { results, writes };
    }),
  );

  for (const change of writes.changes.values()) context.publisher.publishRequestChange(change);
  if (writes.sessions.size > 0) {
    context.log.info(
      { sessions: writes.sessions.size, acknowledgements: items.length },
      'device sessions changed',
    );
  }
  return results;
}

async function lockCommands(
  tx: Transaction,
  items: readonly AcknowledgementItem[],
): Promise<Map<string, CommandState>> {
  const ids = [...new Set(items.map((item) => item.input.commandId))];
  // Ordered by id, so two ack batches lock shared rows in the same order and cannot deadlock
  // with each other.
  const rows = await tx.$queryRaw<CommandState[]>`
    SELECT id, "deviceId", "sessionId", kind, payload, "ackedAt"
    FROM "AgentCommand"
    WHERE id = ANY(${ids}::text[])
    ORDER BY id
    FOR UPDATE`;
  return new Map(rows.map((row) => [row.id, row]));
}

async function lockSessions(
  tx: Transaction,
  commands: readonly CommandState[],
): Promise<Map<string, SessionState>> {
  const ids = [...new Set(commands.flatMap((command) => command.sessionId ?? []))];
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<SessionState[]>`
    SELECT s.id, s.state::text AS state, s."appliedAt", s."removedAt", s."failureReason",
           s."overrunSeconds", s."requestId", r.status::text AS status, r."expiresAt",
           r."endedAt", r."userAccountName"
    FROM "DeviceSession" AS s
    JOIN "JitRequest" AS r ON r.id = s."requestId"
    WHERE s.id = ANY(${ids}::text[])
    ORDER BY s.id
    FOR UPDATE OF s`;
  return new Map(rows.map((row) => [row.id, row]));
}

function decide(
  item: AcknowledgementItem,
  commands: Map<string, CommandState>,
  sessions: Map<string, SessionState>,
  writes: AcknowledgementWrites,
): AcknowledgementItemResult {
  const { device, input } = item;
  const command = commands.get(input.commandId);
  if (!command || command.deviceId !== device.id) {
    const error = new NotFoundError(
      `Command '${truncate(input.commandId)}' was not found for this device.`,
    );
    return { ok: false, error };
  }
  if (command.ackedAt) return { ok: true, outcome: { ...noChange, alreadyAcknowledged: true } };
  const mismatch = resultMismatch(command, input.result);
  if (mismatch) return { ok: false, error: mismatch };

  const actor: Actor = { kind: 'device', deviceId: device.id, deviceName: device.name };
  const step = { actor, command, input, writes };
  if (command.kind === 'lower' && input.result === 'failed') {
    recordFailedLower(step);
    return { ok: true, outcome: { ...noChange, commandPending: true } };
  }
  command.ackedAt = writes.now;
  writes.recordCommand(command, true, input);
  if (!command.sessionId) {
    recordDriftLowered(step);
    return { ok: true, outcome: noChange };
  }
  const session = sessions.get(command.sessionId);
  if (!session) return { ok: true, outcome: noChange };
  const outcome =
    command.kind === 'apply'
      ? applyAcknowledged({ ...step, session })
      : lowerAcknowledged({ ...step, session });
  return { ok: true, outcome };
}

function resultMismatch(command: CommandState, result: AcknowledgementResult) {
  const wrong =
    (command.kind === 'apply' && result === 'lowered') ||
    (command.kind === 'lower' && result === 'applied');
  if (!wrong) return null;
  return new ValidationError(
    'result',
    `Result '${result}' does not fit command '${command.id}', which is a ${command.kind}; use '${command.kind === 'apply' ? 'applied' : 'lowered'}', 'account-not-found' or 'failed'.`,
  );
}

function resultJson(input: AcknowledgementInput) {
  return {
    result: input.result,
    ...(input.error !== undefined && { error: truncate(input.error, maxReasonLength) }),
    ...(input.loweredSecondsAgo !== undefined && { loweredSecondsAgo: input.loweredSecondsAgo }),
  };
}

function failureReasonOf(input: AcknowledgementInput, account: string): string {
  if (input.result === 'account-not-found') {
    return `User account '${account}' was not found on the device.`;
  }
  const error = input.error?.trim();
  return error ? truncate(error, maxReasonLength) : 'The agent reported a failure without details.';
}

interface AcknowledgementStep {
  actor: Actor;
  command: CommandState;
  input: AcknowledgementInput;
  writes: AcknowledgementWrites;
}

function applyAcknowledged(step: AcknowledgementStep & { session: SessionState }) {
  const { actor, command, session, input, writes } = step;
  const now = writes.now;
  if (session.state !== 'WAITING' && session.state !== 'SUSPENDED') return noChange;
  const stillHeld =
    session.status === 'ACTIVE' &&
    session.expiresAt !== null &&
    session.expiresAt.getTime() > now.getTime();
  const base = { actor, at: now, requestId: session.requestId };

  if (input.result === 'applied') {
    const reapplied = session.state === 'SUSPENDED';
    session.state = 'APPLIED';
    session.appliedAt ??= now;
    writes.changeSession(session, reapplied ? 'SESSION_REAPPLIED' : 'SESSION_APPLIED');
    writes.audits.push({
      ...base,
      action: reapplied ? 'session.reapplied' : 'session.applied',
      details: {
        deviceSessionId: session.id,
        commandId: command.id,
        userAccountName: session.userAccountName,
        remainingSeconds: stillHeld ? remainingSeconds(session.expiresAt!, now) : 0,
      },
    });
    return { ...noChange, sessionState: 'APPLIED', desiredStateChanged: !stillHeld } as const;
  }

  const failureReason = failureReasonOf(input, session.userAccountName);
  session.state = 'FAILED';
  session.failureReason = failureReason;
  writes.changeSession(session, 'SESSION_FAILED');
  writes.audits.push({
    ...base,
    action: 'session.failed',
    details: {
      deviceSessionId: session.id,
      commandId: command.id,
      result: input.result,
      failureReason,
    },
  });
  return { ...noChange, sessionState: 'FAILED' } as const;
}

function lowerAcknowledged(step: AcknowledgementStep & { session: SessionState }) {
  const { actor, command, session, input, writes } = step;
  const now = writes.now;
  if (session.state === 'REMOVED' || session.state === 'FAILED') return noChange;

  // The agent may have lowered the account on its own earlier (deadline, offline revoke).
  const agoMs = (input.loweredSecondsAgo ?? 0) * 1000;
  const earliest = session.appliedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const loweredAt = new Date(Math.max(now.getTime() - agoMs, earliest));
  const plannedEnd = session.endedAt ?? session.expiresAt;
  // A SUSPENDED session was lowered when the device went silent, so it cannot have overrun.
  const overrun =
    input.result === 'lowered' && session.state !== 'SUSPENDED' && plannedEnd
      ? overrunSeconds(plannedEnd, loweredAt)
      : 0;

  session.state = 'REMOVED';
  session.removedAt = loweredAt;
  if (overrun > 0) session.overrunSeconds = overrun;
  writes.changeSession(session, 'SESSION_REMOVED');
  const base = { actor, at: now, requestId: session.requestId };
  writes.audits.push({
    ...base,
    action: 'session.removed',
    details: {
      deviceSessionId: session.id,
      commandId: command.id,
      result: input.result,
      removedAt: loweredAt.toISOString(),
    },
  });
  if (overrun > 0) {
    writes.audits.push({
      ...base,
      action: 'session.overrun',
      details: {
        deviceSessionId: session.id,
        userAccountName: session.userAccountName,
        overrunSeconds: overrun,
        plannedEndAt: plannedEnd!.toISOString(),
        loweredAt: loweredAt.toISOString(),
      },
    });
  }
  return { ...noChange, sessionState: 'REMOVED' } as const;
}

function recordFailedLower(step: AcknowledgementStep): void {
  const { actor, command, input, writes } = step;
  const payload = payloadOf(command);
  // The command stays unacknowledged, so the next desired state sends it again.
  writes.recordCommand(command, false, input);
  writes.audits.push({
    actor,
    action: 'session.lower-failed',
    at: writes.now,
    requestId: payload.requestId ?? undefined,
    details: {
      deviceSessionId: command.sessionId,
      commandId: command.id,
      userAccountName: payload.userAccountName,
      error: failureReasonOf(input, payload.userAccountName),
    },
  });
}

function recordDriftLowered(step: AcknowledgementStep): void {
  const { actor, command, input, writes } = step;
  const payload = payloadOf(command);
  writes.audits.push({
    actor,
    action: 'device.drift-lowered',
    at: writes.now,
    requestId: payload.requestId ?? undefined,
    details: {
      commandId: command.id,
      userAccountName: payload.userAccountName,
      ...resultJson(input),
    },
  });
}

/** Writes a batch: one UPDATE for commands, one for sessions, one INSERT for audit events. */
async function writeAcknowledgements(tx: Transaction, writes: AcknowledgementWrites) {
  // Prisma stores DateTime as UTC timestamps without zone, hence AT TIME ZONE 'UTC'.
  const now = writes.now.toISOString();
  if (writes.commands.size > 0) {
    const ids = [...writes.commands.keys()];
    const acked = ids.map((id) => writes.commands.get(id)!.acked);
    const results = ids.map((id) => writes.commands.get(id)!.result);
    await tx.$executeRaw`
      UPDATE "AgentCommand" AS c
      SET "ackedAt" = CASE WHEN u.acked THEN ${now}::timestamptz AT TIME ZONE 'UTC' ELSE NULL END,
          result = u.result::jsonb
      FROM unnest(${ids}::text[], ${acked}::boolean[], ${results}::text[]) AS u(id, acked, result)
      WHERE c.id = u.id`;
  }
  if (writes.sessions.size > 0) {
    const sessions = [...writes.sessions];
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    await tx.$executeRaw`
      UPDATE "DeviceSession" AS s
      SET state = u.state::"DeviceSessionState",
          "appliedAt" = u.applied_at AT TIME ZONE 'UTC',
          "removedAt" = u.removed_at AT TIME ZONE 'UTC',
          "failureReason" = u.failure_reason,
          "overrunSeconds" = u.overrun_seconds,
          "updatedAt" = ${now}::timestamptz AT TIME ZONE 'UTC'
      FROM unnest(
        ${sessions.map((session) => session.id)}::text[],
        ${sessions.map((session) => session.state)}::text[],
        ${sessions.map((session) => iso(session.appliedAt))}::timestamptz[],
        ${sessions.map((session) => iso(session.removedAt))}::timestamptz[],
        ${sessions.map((session) => session.failureReason)}::text[],
        ${sessions.map((session) => session.overrunSeconds)}::int[]
      ) AS u(id, state, applied_at, removed_at, failure_reason, overrun_seconds)
      WHERE s.id = u.id`;
  }
  await writeAudits(tx, writes.audits);
}
