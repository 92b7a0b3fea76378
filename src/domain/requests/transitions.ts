import type { JitRequest } from '../../generated/prisma/client.js';
import { writeAudit } from '../audit.js';
import {
  type Actor,
  actorName,
  type DomainContext,
  inTransaction,
  type Transaction,
} from '../context.js';
import { InvalidTransitionError, NotFoundError, ValidationError } from '../errors.js';
import { addSeconds, type JitStatus, outcomeAtExpiry } from './lifecycle.js';
import { maxSearchableDeviceNames, recordPastDevices, resolveTargetDevices } from './targets.js';
import {
  maxReasonLength,
  optionalText,
  requireDuration,
  requireFutureStart,
} from './validation.js';

/** Follow-up work of a committed transition: jobs, agent updates and live events. */
export interface AfterCommit {
  action: string;
  scheduleStartAt?: Date;
  scheduleEndAt?: Date;
  schedulePendingTimeoutAt?: Date;
  cancelJobs?: boolean;
  /** Devices whose desired state changed. */
  deviceIds?: string[];
  raisedByUser?: boolean;
  /** Status before the transition, published so Live tabs see a request leave them. */
  previousStatus?: JitStatus;
}

interface TransitionResult {
  request: JitRequest;
  after: AfterCommit;
}

/**
 * Runs one transition in a transaction, then performs its follow-up work. Follow-up failures are
 * logged and left to the reconciler, because the database already records the new state.
 */
export async function runTransition(
  context: DomainContext,
  work: (tx: Transaction, now: Date) => Promise<TransitionResult | null>,
): Promise<JitRequest | null> {
  const now = context.clock.now();
  const result = await inTransaction(context, (tx) => work(tx, now));
  if (!result) return null;
  await performAfterCommit(context, result.request, result.after);
  return result.request;
}

async function performAfterCommit(context: DomainContext, request: JitRequest, after: AfterCommit) {
  const { scheduler, notifier, publisher, log } = context;
  try {
    if (after.cancelJobs) await scheduler.cancelRequestJobs(request.id);
    if (after.scheduleStartAt) await scheduler.scheduleStart(request.id, after.scheduleStartAt);
    if (after.scheduleEndAt) await scheduler.scheduleEnd(request.id, after.scheduleEndAt);
    if (after.schedulePendingTimeoutAt) {
      await scheduler.schedulePendingTimeout(request.id, after.schedulePendingTimeoutAt);
    }
  } catch (error) {
    log.error(
      { err: error, jitRequestId: request.id, action: after.action },
      'scheduling after transition failed; the reconciler will retry',
    );
  }
  if (after.deviceIds && after.deviceIds.length > 0) notifier.devicesChanged(after.deviceIds);
  publisher.publishRequestChange({
    action: after.action,
    requestId: request.id,
    status: request.status,
    previousStatus: after.previousStatus,
    raisedByUser: after.raisedByUser,
  });
  log.info(
    { jitRequestId: request.id, action: after.action, status: request.status },
    'request changed',
  );
}

/** Locks a request row for the rest of the transaction, so concurrent actions queue behind it. */
export async function lockRequest(tx: Transaction, id: string): Promise<JitRequest> {
  await tx.$queryRaw`SELECT 1 FROM "JitRequest" WHERE id = ${id} FOR UPDATE`;
  const request = await tx.jitRequest.findUnique({ where: { id } });
  if (!request) throw new NotFoundError(`Request '${id}' was not found.`);
  return request;
}

function requireStatus(request: JitRequest, allowed: readonly JitStatus[], verb: string): void {
  if (!allowed.includes(request.status)) {
    throw new InvalidTransitionError(
      request.status,
      `Request '${request.id}' is ${request.status}, so it cannot be ${verb}.`,
    );
  }
}

/** Updates a request only if it still has one of `from`; the lock makes this a formality, kept as a guard. */
async function updateFrom(
  tx: Transaction,
  request: JitRequest,
  from: readonly JitStatus[],
  data: Parameters<Transaction['jitRequest']['update']>[0]['data'],
): Promise<JitRequest> {
  const { count } = await tx.jitRequest.updateMany({
    where: { id: request.id, status: { in: [...from] } },
    data: data as never,
  });
  if (count !== 1) {
    throw new InvalidTransitionError(
      request.status,
      `Request '${request.id}' changed while it was being updated; reload it and try again.`,
    );
  }
  return tx.jitRequest.findUniqueOrThrow({ where: { id: request.id } });
}

/**
 * Starts the session of a request: resolves its targets to devices, creates one WAITING device
 * session per device and marks the request ACTIVE from `startedAt` until its expiry.
 */
export async function startSession(
  tx: Transaction,
  request: JitRequest,
  startedAt: Date,
  extra: Parameters<Transaction['jitRequest']['update']>[0]['data'] = {},
): Promise<{ request: JitRequest; deviceIds: string[] }> {
  const devices = await resolveTargetDevices(tx, request.id);
  // One statement with an array parameter: Prisma's createMany costs about a second of CPU for
  // 10,000 rows, which delayed a fleet-wide grant (bench:gateway).
  await tx.$executeRaw`
    INSERT INTO "DeviceSession" ("requestId", "deviceId", "updatedAt")
    SELECT ${request.id}, device_id, now() FROM unnest(${devices.map((device) => device.id)}::text[]) AS device_id
    ON CONFLICT ("requestId", "deviceId") DO NOTHING`;
  const expiresAt = addSeconds(startedAt, request.durationSeconds + request.extensionSeconds);
  // NOTE: search finds a request by the names of at most maxSearchableDeviceNames of its devices
  // (and always by its group names), so one fleet-wide grant does not index a 100 KB string.
  const names = new Set([
    ...request.targetNames.split(' ').filter(Boolean),
    ...devices.slice(0, maxSearchableDeviceNames).map((device) => device.name),
  ]);
  const started = await updateFrom(tx, request, [request.status], {
    ...extra,
    status: 'ACTIVE',
    startedAt,
    expiresAt,
    targetNames: [...names].join(' '),
  });
  return { request: started, deviceIds: devices.map((device) => device.id) };
}

export interface ApproveInput {
  id: string;
  reasonByAdmin?: string | null;
  durationType?: 'FIXED' | 'SCHEDULED' | null;
  durationSeconds?: number | null;
  scheduledStartAt?: Date | null;
}

/**
 * Approves a PENDING request, applying any change to its time window first. A Fixed request
 * starts now; a Scheduled one waits for its start time.
 */
export function approveRequest(context: DomainContext, actor: Actor, input: ApproveInput) {
  const reason = optionalText('reasonByAdmin', input.reasonByAdmin, maxReasonLength);
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, input.id);
    requireStatus(request, ['PENDING'], 'approved');

    const durationType = input.durationType ?? request.durationType;
    const durationSeconds = requireDuration(
      'durationSeconds',
      input.durationSeconds ?? request.durationSeconds,
      context.config,
    );
    const scheduledStartAt =
      durationType === 'SCHEDULED'
        ? requireFutureStart(
            'scheduledStartAt',
            input.scheduledStartAt ?? request.scheduledStartAt,
            now,
          )
        : null;
    if (durationType === 'FIXED' && input.scheduledStartAt) {
      throw new ValidationError(
        'scheduledStartAt',
        'scheduledStartAt applies only when durationType is SCHEDULED.',
      );
    }
    const changes = {
      durationType,
      durationSeconds,
      scheduledStartAt,
      approvedBy: actorName(actor),
      approvedAt: now,
      reasonByAdmin: reason ?? request.reasonByAdmin,
    };
    const windowChanged =
      durationType !== request.durationType ||
      durationSeconds !== request.durationSeconds ||
      scheduledStartAt?.getTime() !== request.scheduledStartAt?.getTime();

    let approved: JitRequest;
    let deviceIds: string[] = [];
    if (durationType === 'FIXED') {
      ({ request: approved, deviceIds } = await startSession(
        tx,
        { ...request, durationSeconds },
        now,
        changes,
      ));
    } else {
      approved = await updateFrom(tx, request, ['PENDING'], { ...changes, status: 'SCHEDULED' });
    }
    await writeAudit(tx, {
      actor,
      action: 'request.approved',
      at: now,
      requestId: request.id,
      details: {
        status: approved.status,
        reasonByAdmin: reason ?? null,
        ...(windowChanged && {
          windowChange: {
            from: windowOf(request),
            to: windowOf(approved),
          },
        }),
      },
    });
    return {
      request: approved,
      after: {
        action: 'APPROVED',
        previousStatus: request.status,
        cancelJobs: true,
        scheduleStartAt:
          approved.status === 'SCHEDULED' ? (approved.scheduledStartAt ?? undefined) : undefined,
        scheduleEndAt: approved.status === 'ACTIVE' ? (approved.expiresAt ?? undefined) : undefined,
        deviceIds,
      },
    };
  });
}

function windowOf(request: JitRequest) {
  return {
    durationType: request.durationType,
    durationSeconds: request.durationSeconds,
    scheduledStartAt: request.scheduledStartAt?.toISOString() ?? null,
  };
}

/** Denies a PENDING request. */
export function denyRequest(
  context: DomainContext,
  actor: Actor,
  input: { id: string; reasonByAdmin?: string | null },
) {
  const reason = optionalText('reasonByAdmin', input.reasonByAdmin, maxReasonLength);
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, input.id);
    requireStatus(request, ['PENDING'], 'denied');
    const denied = await updateFrom(tx, request, ['PENDING'], {
      status: 'DENIED',
      endedAt: now,
      reasonByAdmin: reason ?? request.reasonByAdmin,
      ...(await recordPastDevices(tx, request.id)),
    });
    await writeAudit(tx, {
      actor,
      action: 'request.denied',
      at: now,
      requestId: request.id,
      details: { reasonByAdmin: reason ?? null },
    });
    return {
      request: denied,
      after: { action: 'DENIED', previousStatus: request.status, cancelJobs: true },
    };
  });
}

/**
 * Revokes a request. An ACTIVE one becomes REVOKED and its devices receive a command to lower
 * the account. A SCHEDULED one becomes PRE_REVOKED and never starts.
 */
export function revokeRequest(
  context: DomainContext,
  actor: Actor,
  input: { id: string; reasonByAdmin?: string | null },
) {
  const reason = optionalText('reasonByAdmin', input.reasonByAdmin, maxReasonLength);
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, input.id);
    requireStatus(request, ['ACTIVE', 'SCHEDULED'], 'revoked');
    const status = request.status === 'ACTIVE' ? 'REVOKED' : 'PRE_REVOKED';
    const revoked = await updateFrom(tx, request, [request.status], {
      status,
      endedAt: now,
      revokedBy: actorName(actor),
      reasonByAdmin: reason ?? request.reasonByAdmin,
      extensionRequested: false,
      // A scheduled request never started, so it keeps the devices it covered at this moment.
      ...(status === 'PRE_REVOKED' && (await recordPastDevices(tx, request.id))),
    });
    const sessions = await tx.deviceSession.findMany({
      where: { requestId: request.id },
      select: { deviceId: true },
    });
    await writeAudit(tx, {
      actor,
      action: status === 'REVOKED' ? 'request.revoked' : 'request.pre-revoked',
      at: now,
      requestId: request.id,
      details: { reasonByAdmin: reason ?? null },
    });
    return {
      request: revoked,
      after: {
        action: status,
        previousStatus: request.status,
        cancelJobs: true,
        deviceIds: sessions.map((session) => session.deviceId),
      },
    };
  });
}

/** Adds time to an ACTIVE request, within the maximum duration; clears a pending extension request. */
export function extendRequest(
  context: DomainContext,
  actor: Actor,
  input: { id: string; additionalSeconds: number; reasonByAdmin?: string | null },
) {
  const reason = optionalText('reasonByAdmin', input.reasonByAdmin, maxReasonLength);
  if (!Number.isInteger(input.additionalSeconds) || input.additionalSeconds <= 0) {
    throw new ValidationError(
      'additionalSeconds',
      `additionalSeconds must be a positive whole number of seconds, not ${input.additionalSeconds}.`,
    );
  }
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, input.id);
    requireStatus(request, ['ACTIVE'], 'extended');
    const total = request.durationSeconds + request.extensionSeconds + input.additionalSeconds;
    if (total > context.config.maxDurationSeconds) {
      const allowed =
        context.config.maxDurationSeconds - request.durationSeconds - request.extensionSeconds;
      throw new ValidationError(
        'additionalSeconds',
        `Extending by ${input.additionalSeconds} s would make the session ${total} s long; the maximum is ${context.config.maxDurationSeconds} s, so at most ${Math.max(0, allowed)} s can be added.`,
      );
    }
    const previousExpiry = request.expiresAt ?? now;
    const extended = await updateFrom(tx, request, ['ACTIVE'], {
      extensionSeconds: request.extensionSeconds + input.additionalSeconds,
      expiresAt: addSeconds(previousExpiry, input.additionalSeconds),
      extensionRequested: false,
      extensionRequestedSeconds: null,
      extensionRequestReason: null,
      reasonByAdmin: reason ?? request.reasonByAdmin,
    });
    const sessions = await tx.deviceSession.findMany({
      where: { requestId: request.id },
      select: { deviceId: true },
    });
    await writeAudit(tx, {
      actor,
      action: 'request.extended',
      at: now,
      requestId: request.id,
      details: {
        additionalSeconds: input.additionalSeconds,
        previousExpiresAt: previousExpiry.toISOString(),
        expiresAt: extended.expiresAt?.toISOString() ?? null,
        reasonByAdmin: reason ?? null,
      },
    });
    return {
      request: extended,
      after: {
        action: 'EXTENDED',
        scheduleEndAt: extended.expiresAt ?? undefined,
        deviceIds: sessions.map((session) => session.deviceId),
      },
    };
  });
}

const schedulerActor: Actor = { kind: 'system', id: 'scheduler' };

/**
 * Starts a SCHEDULED request whose start time has come. The session starts at its planned time,
 * not at the moment this runs, so a late run still ends it on schedule. Returns null (and changes
 * nothing) when the request is no longer SCHEDULED or its start lies ahead.
 */
export function startScheduledRequest(
  context: DomainContext,
  id: string,
  actor: Actor = schedulerActor,
) {
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, id).catch(ignoreNotFound);
    if (!request || request.status !== 'SCHEDULED' || !request.scheduledStartAt) return null;
    if (request.scheduledStartAt.getTime() > now.getTime()) return null;
    const { request: started, deviceIds } = await startSession(
      tx,
      request,
      request.scheduledStartAt,
    );
    await writeAudit(tx, {
      actor,
      action: 'request.started',
      at: now,
      requestId: id,
      details: {
        plannedStartAt: request.scheduledStartAt.toISOString(),
        devices: deviceIds.length,
      },
    });
    return {
      request: started,
      after: {
        action: 'STARTED',
        previousStatus: request.status,
        scheduleEndAt: started.expiresAt ?? undefined,
        deviceIds,
      },
    };
  });
}

/**
 * Ends an ACTIVE request whose expiry has passed, as COMPLETED, EXPIRED or FAILED. The end time
 * recorded is the planned expiry. Returns null (and changes nothing) when the request is no longer
 * ACTIVE or its expiry lies ahead, so running it twice is harmless.
 */
export function endExpiredRequest(
  context: DomainContext,
  id: string,
  actor: Actor = schedulerActor,
) {
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, id).catch(ignoreNotFound);
    if (!request || request.status !== 'ACTIVE' || !request.expiresAt) return null;
    if (request.expiresAt.getTime() > now.getTime()) return null;
    const sessions = await tx.deviceSession.findMany({
      where: { requestId: id },
      select: { deviceId: true, state: true, appliedAt: true },
    });
    const status = outcomeAtExpiry(sessions);
    const ended = await updateFrom(tx, request, ['ACTIVE'], {
      status,
      endedAt: request.expiresAt,
      extensionRequested: false,
    });
    await writeAudit(tx, {
      actor,
      action: 'request.ended',
      at: now,
      requestId: id,
      details: {
        status,
        plannedEndAt: request.expiresAt.toISOString(),
        lagMs: now.getTime() - request.expiresAt.getTime(),
      },
    });
    return {
      request: ended,
      after: {
        action: status,
        previousStatus: request.status,
        cancelJobs: true,
        deviceIds: sessions.map((session) => session.deviceId),
      },
    };
  });
}

/**
 * Expires a PENDING request that was not approved or denied within the pending timeout: it leaves the
 * Live tables as EXPIRED, with the reason in the audit trail. Returns null when nothing was due.
 */
export function expirePendingRequest(
  context: DomainContext,
  id: string,
  actor: Actor = schedulerActor,
) {
  return runTransition(context, async (tx, now) => {
    const request = await lockRequest(tx, id).catch(ignoreNotFound);
    if (!request || request.status !== 'PENDING') return null;
    const deadline = addSeconds(request.requestedAt, context.config.pendingTimeoutSeconds);
    if (deadline.getTime() > now.getTime()) return null;
    const expired = await updateFrom(tx, request, ['PENDING'], {
      status: 'EXPIRED',
      endedAt: deadline,
      ...(await recordPastDevices(tx, request.id)),
    });
    await writeAudit(tx, {
      actor,
      action: 'request.pending-expired',
      at: now,
      requestId: id,
      details: {
        pendingTimeoutSeconds: context.config.pendingTimeoutSeconds,
        plannedAt: deadline.toISOString(),
      },
    });
    return {
      request: expired,
      after: { action: 'EXPIRED', previousStatus: request.status, cancelJobs: true },
    };
  });
}

function ignoreNotFound(error: unknown): null {
  if (error instanceof NotFoundError) return null;
  throw error;
}
