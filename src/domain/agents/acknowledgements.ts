import type { Prisma } from '../../db/client.js';
import type { DeviceSessionState, JitStatus } from '../../generated/prisma/enums.js';
import { writeAudit } from '../audit.js';
import { type Actor, type DomainContext, inTransaction, type Transaction } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { remainingSeconds } from '../requests/lifecycle.js';
import { truncate } from '../requests/validation.js';
import { type AgentCommandRow, payloadOf } from './commands.js';
import { overrunSeconds } from './overrun.js';

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

const maxReasonLength = 1000;

const noChange: AcknowledgementOutcome = {
  alreadyAcknowledged: false,
  desiredStateChanged: false,
  commandPending: false,
};

interface SessionWithRequest {
  id: string;
  state: DeviceSessionState;
  appliedAt: Date | null;
  requestId: string;
  request: {
    status: JitStatus;
    expiresAt: Date | null;
    endedAt: Date | null;
    userAccountName: string;
  };
}

interface Change {
  outcome: AcknowledgementOutcome;
  publish?: { action: string; requestId: string; status: JitStatus };
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
  const now = context.clock.now();
  const actor: Actor = { kind: 'device', deviceId: device.id, deviceName: device.name };
  const change = await inTransaction(context, async (tx): Promise<Change> => {
    const command = await lockCommand(tx, device.id, input.commandId);
    if (command.ackedAt) {
      return { outcome: { ...noChange, alreadyAcknowledged: true } };
    }
    requireMatchingResult(command, input.result);
    const payload = payloadOf(command);

    if (command.kind === 'lower' && input.result === 'failed') {
      await recordFailedLower(tx, { actor, command, input, now });
      return { outcome: { ...noChange, commandPending: true } };
    }
    await tx.agentCommand.update({
      where: { id: command.id },
      data: { ackedAt: now, result: resultJson(input) },
    });
    if (!command.sessionId) {
      await writeAudit(tx, {
        actor,
        action: 'device.drift-lowered',
        at: now,
        requestId: payload.requestId ?? undefined,
        details: {
          commandId: command.id,
          userAccountName: payload.userAccountName,
          ...resultJson(input),
        },
      });
      return { outcome: noChange };
    }
    const session = await lockSession(tx, command.sessionId);
    if (!session) return { outcome: noChange };
    return command.kind === 'apply'
      ? applyAcknowledged(tx, { actor, command, session, input, now })
      : lowerAcknowledged(tx, { actor, command, session, input, now });
  });

  if (change.publish) {
    context.publisher.publishRequestChange(change.publish);
    context.log.info(
      {
        deviceId: device.id,
        jitRequestId: change.publish.requestId,
        commandId: input.commandId,
        state: change.outcome.sessionState,
      },
      'device session changed',
    );
  }
  return change.outcome;
}

async function lockCommand(
  tx: Transaction,
  deviceId: string,
  commandId: string,
): Promise<AgentCommandRow> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "AgentCommand" WHERE id = ${commandId} AND "deviceId" = ${deviceId} FOR UPDATE`;
  if (locked.length === 0) {
    throw new NotFoundError(`Command '${truncate(commandId)}' was not found for this device.`);
  }
  return tx.agentCommand.findUniqueOrThrow({
    where: { id: commandId },
    select: { id: true, sessionId: true, kind: true, payload: true, sentAt: true, ackedAt: true },
  });
}

function requireMatchingResult(command: AgentCommandRow, result: AcknowledgementResult): void {
  const wrong =
    (command.kind === 'apply' && result === 'lowered') ||
    (command.kind === 'lower' && result === 'applied');
  if (wrong) {
    throw new ValidationError(
      'result',
      `Result '${result}' does not fit command '${command.id}', which is a ${command.kind}; use '${command.kind === 'apply' ? 'applied' : 'lowered'}', 'account-not-found' or 'failed'.`,
    );
  }
}

function resultJson(input: AcknowledgementInput): Prisma.InputJsonObject {
  return {
    result: input.result,
    ...(input.error !== undefined && { error: truncate(input.error, maxReasonLength) }),
    ...(input.loweredSecondsAgo !== undefined && { loweredSecondsAgo: input.loweredSecondsAgo }),
  };
}

async function lockSession(tx: Transaction, sessionId: string): Promise<SessionWithRequest | null> {
  await tx.$queryRaw`SELECT 1 AS locked FROM "DeviceSession" WHERE id = ${sessionId} FOR UPDATE`;
  return tx.deviceSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      state: true,
      appliedAt: true,
      requestId: true,
      request: {
        select: { status: true, expiresAt: true, endedAt: true, userAccountName: true },
      },
    },
  });
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
  command: AgentCommandRow;
  session: SessionWithRequest;
  input: AcknowledgementInput;
  now: Date;
}

async function applyAcknowledged(tx: Transaction, step: AcknowledgementStep): Promise<Change> {
  const { actor, command, session, input, now } = step;
  const request = session.request;
  const stillHeld =
    request.status === 'ACTIVE' &&
    request.expiresAt !== null &&
    request.expiresAt.getTime() > now.getTime();
  const base = { actor, at: now, requestId: session.requestId };
  if (session.state !== 'WAITING' && session.state !== 'SUSPENDED') {
    return { outcome: noChange };
  }

  if (input.result === 'applied') {
    const reapplied = session.state === 'SUSPENDED';
    await tx.deviceSession.update({
      where: { id: session.id },
      data: { state: 'APPLIED', appliedAt: session.appliedAt ?? now, failureReason: null },
    });
    await writeAudit(tx, {
      ...base,
      action: reapplied ? 'session.reapplied' : 'session.applied',
      details: {
        deviceSessionId: session.id,
        commandId: command.id,
        userAccountName: request.userAccountName,
        remainingSeconds: stillHeld ? remainingSeconds(request.expiresAt!, now) : 0,
      },
    });
    return {
      outcome: { ...noChange, sessionState: 'APPLIED', desiredStateChanged: !stillHeld },
      publish: {
        action: reapplied ? 'SESSION_REAPPLIED' : 'SESSION_APPLIED',
        requestId: session.requestId,
        status: request.status,
      },
    };
  }

  const failureReason = failureReasonOf(input, request.userAccountName);
  await tx.deviceSession.update({
    where: { id: session.id },
    data: { state: 'FAILED', failureReason },
  });
  await writeAudit(tx, {
    ...base,
    action: 'session.failed',
    details: {
      deviceSessionId: session.id,
      commandId: command.id,
      result: input.result,
      failureReason,
    },
  });
  return {
    outcome: { ...noChange, sessionState: 'FAILED' },
    publish: { action: 'SESSION_FAILED', requestId: session.requestId, status: request.status },
  };
}

async function lowerAcknowledged(tx: Transaction, step: AcknowledgementStep): Promise<Change> {
  const { actor, command, session, input, now } = step;
  const request = session.request;
  if (session.state === 'REMOVED' || session.state === 'FAILED') {
    return { outcome: noChange };
  }

  // The agent may have lowered the account on its own earlier (deadline, offline revoke).
  const agoMs = (input.loweredSecondsAgo ?? 0) * 1000;
  const earliest = session.appliedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const loweredAt = new Date(Math.max(now.getTime() - agoMs, earliest));
  const plannedEnd = request.endedAt ?? request.expiresAt;
  // A SUSPENDED session was lowered when the device went silent, so it cannot have overrun.
  const overrun =
    input.result === 'lowered' && session.state !== 'SUSPENDED' && plannedEnd
      ? overrunSeconds(plannedEnd, loweredAt)
      : 0;

  await tx.deviceSession.update({
    where: { id: session.id },
    data: {
      state: 'REMOVED',
      removedAt: loweredAt,
      ...(overrun > 0 && { overrunSeconds: overrun }),
    },
  });
  const base = { actor, at: now, requestId: session.requestId };
  await writeAudit(tx, {
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
    await writeAudit(tx, {
      ...base,
      action: 'session.overrun',
      details: {
        deviceSessionId: session.id,
        userAccountName: request.userAccountName,
        overrunSeconds: overrun,
        plannedEndAt: plannedEnd!.toISOString(),
        loweredAt: loweredAt.toISOString(),
      },
    });
  }
  return {
    outcome: { ...noChange, sessionState: 'REMOVED' },
    publish: { action: 'SESSION_REMOVED', requestId: session.requestId, status: request.status },
  };
}

async function recordFailedLower(
  tx: Transaction,
  step: Omit<AcknowledgementStep, 'session'>,
): Promise<void> {
  const { actor, command, input, now } = step;
  const payload = payloadOf(command);
  // The command stays unacknowledged, so the next desired state sends it again.
  await tx.agentCommand.update({ where: { id: command.id }, data: { result: resultJson(input) } });
  await writeAudit(tx, {
    actor,
    action: 'session.lower-failed',
    at: now,
    requestId: payload.requestId ?? undefined,
    details: {
      deviceSessionId: command.sessionId,
      commandId: command.id,
      userAccountName: payload.userAccountName,
      error: failureReasonOf(input, payload.userAccountName),
    },
  });
}
