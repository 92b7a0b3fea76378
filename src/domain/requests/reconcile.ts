import type { JitRequest } from '../../generated/prisma/client.js';
import { type Actor, actorName, type DomainContext, inTransaction } from '../context.js';
import { addSeconds, type DeviceSessionState, liveStatuses, outcomeAtExpiry } from './lifecycle.js';
import { endExpiredRequest, expirePendingRequest, startScheduledRequest } from './transitions.js';

/** The time-driven transitions: a SCHEDULED start, an ACTIVE end and a PENDING timeout. */
export type TransitionKind = 'start' | 'end' | 'pendingTimeout';

export const transitionKinds: readonly TransitionKind[] = ['start', 'end', 'pendingTimeout'];

/** The next time-driven transition of a live request and when it is due. */
export interface PlannedTransition {
  requestId: string;
  kind: TransitionKind;
  at: Date;
}

type RequestTimes = Pick<
  JitRequest,
  'id' | 'status' | 'scheduledStartAt' | 'expiresAt' | 'requestedAt'
>;

const requestTimesSelect = {
  id: true,
  status: true,
  scheduledStartAt: true,
  expiresAt: true,
  requestedAt: true,
} as const;

/**
 * Returns the transition a request waits for: its start when SCHEDULED, its end when ACTIVE, its
 * timeout when PENDING. Returns null for a Past request.
 */
export function plannedTransitionOf(
  context: Pick<DomainContext, 'config'>,
  request: RequestTimes,
): PlannedTransition | null {
  const requestId = request.id;
  switch (request.status) {
    case 'PENDING':
      return {
        requestId,
        kind: 'pendingTimeout',
        at: addSeconds(request.requestedAt, context.config.pendingTimeoutSeconds),
      };
    case 'SCHEDULED':
      return request.scheduledStartAt
        ? { requestId, kind: 'start', at: request.scheduledStartAt }
        : null;
    case 'ACTIVE':
      return request.expiresAt ? { requestId, kind: 'end', at: request.expiresAt } : null;
    default:
      return null;
  }
}

/** Reads a request and returns the transition it waits for, or null when it is Past or gone. */
export async function findPlannedTransition(
  context: DomainContext,
  requestId: string,
): Promise<PlannedTransition | null> {
  const request = await context.prisma.jitRequest.findUnique({
    where: { id: requestId },
    select: requestTimesSelect,
  });
  return request ? plannedTransitionOf(context, request) : null;
}

/**
 * Performs the transition of `kind` if it is due. Each transition locks the request row and
 * changes nothing when the request has moved on or its time lies ahead, so any number of callers
 * (jobs, reconcilers, other server processes) may race on one request and it happens once.
 */
export function performDueTransition(
  context: DomainContext,
  kind: TransitionKind,
  requestId: string,
  actor?: Actor,
): Promise<JitRequest | null> {
  switch (kind) {
    case 'start':
      return startScheduledRequest(context, requestId, actor);
    case 'end':
      return endExpiredRequest(context, requestId, actor);
    case 'pendingTimeout':
      return expirePendingRequest(context, requestId, actor);
  }
}

/** Read access to the job store, so the reconciler can tell which transitions have no job. */
export interface ScheduledTransitionJobs {
  /**
   * Returns, for every request with a job of `kind`, when that job runs next. A job that is
   * running maps to null.
   */
  listScheduled(kind: TransitionKind): Promise<Map<string, Date | null>>;
  /** Removes the jobs of `kind` of these requests, in one store query. */
  cancelJobs(kind: TransitionKind, requestIds: readonly string[]): Promise<void>;
}

export interface ReconcileResult {
  /** Overdue transitions this pass performed, per kind. */
  performed: Record<TransitionKind, number>;
  /** Transitions that failed; each is logged and retried by the next pass. */
  failed: number;
  /** Live requests whose job was missing or planned for another time, now scheduled again. */
  rescheduled: number;
}

const reconcilerActor: Actor = { kind: 'system', id: 'reconciler' };
const pageSize = 500;
/** Transitions run side by side; kept well under the pool size so API requests still get connections. */
const parallelTransitions = 4;
/** Requests ended per transaction by endDueRequests. */
export const endBatchSize = 200;

export interface ReconcileOptions {
  /** Aborted when the server stops: the pass stops between transitions. */
  signal?: AbortSignal;
}

/**
 * Brings the database and the job store back in line, for a boot after a crash and as a periodic
 * safety net. Performs every overdue transition by the domain clock (starts first, because a
 * session that should have started long ago may be overdue for its end too), each recording its
 * planned time rather than the current one. Then schedules again the job of every live request
 * whose job is missing, so no transition depends on a schedule call that was lost.
 */
export async function reconcileRequests(
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    performed: { start: 0, end: 0, pendingTimeout: 0 },
    failed: 0,
    rescheduled: 0,
  };
  for (const kind of transitionKinds) {
    const { performed, failed } = await performOverdue(context, jobs, kind, options.signal);
    result.performed[kind] = performed;
    result.failed += failed;
  }
  if (!options.signal?.aborted) {
    result.rescheduled = await rescheduleMissingJobs(context, jobs, options.signal);
  }

  const { performed, failed, rescheduled } = result;
  if (performed.start + performed.end + performed.pendingTimeout + failed + rescheduled > 0) {
    context.log.info({ ...performed, failed, rescheduled }, 'requests reconciled');
  }
  return result;
}

function overdueWhere(context: DomainContext, kind: TransitionKind, now: Date) {
  switch (kind) {
    case 'start':
      return { status: 'SCHEDULED' as const, scheduledStartAt: { lte: now } };
    case 'end':
      return { status: 'ACTIVE' as const, expiresAt: { lte: now } };
    case 'pendingTimeout':
      return {
        status: 'PENDING' as const,
        requestedAt: { lte: new Date(now.getTime() - context.config.pendingTimeoutSeconds * 1000) },
      };
  }
}

async function performOverdue(
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  kind: TransitionKind,
  signal: AbortSignal | undefined,
): Promise<{ performed: number; failed: number }> {
  const now = context.clock.now();
  let performed = kind === 'end' ? await endOverdueInBatches(context, jobs, signal) : 0;
  let failed = 0;
  // One by one from here: what a batch skipped or failed on, and every start and timeout.
  // Page by id so that a request whose transition fails is not fetched again in the same pass.
  let afterId: string | undefined;
  while (!signal?.aborted) {
    const page = await context.prisma.jitRequest.findMany({
      where: { ...overdueWhere(context, kind, now), ...(afterId && { id: { gt: afterId } }) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    await forEachLimited(page, parallelTransitions, async ({ id }) => {
      if (signal?.aborted) return;
      try {
        if (await performDueTransition(context, kind, id, reconcilerActor)) performed += 1;
      } catch (error) {
        failed += 1;
        context.log.error({ err: error, jitRequestId: id, kind }, 'overdue transition failed');
      }
    });
    if (page.length < pageSize) break;
  }
  return { performed, failed };
}

/** Ends overdue requests a batch per transaction; a failed batch leaves the rest to the caller. */
async function endOverdueInBatches(
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  signal: AbortSignal | undefined,
): Promise<number> {
  let ended = 0;
  try {
    while (!signal?.aborted) {
      const batch = await endDueRequests(context, { limit: endBatchSize, actor: reconcilerActor });
      ended += batch.length;
      if (batch.length > 0) await jobs.cancelJobs('end', batch);
      if (batch.length < endBatchSize) break;
    }
  } catch (error) {
    context.log.error({ err: error }, 'batched end failed; ending the rest one by one');
  }
  return ended;
}

async function rescheduleMissingJobs(
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  signal: AbortSignal | undefined,
): Promise<number> {
  // Read the requests before the jobs: a request created in between then has its job already.
  const live = await context.prisma.jitRequest.findMany({
    where: { status: { in: [...liveStatuses] } },
    select: requestTimesSelect,
  });
  const scheduled = new Map<TransitionKind, Map<string, Date | null>>();
  for (const kind of transitionKinds) scheduled.set(kind, await jobs.listScheduled(kind));

  const now = context.clock.now().getTime();
  const missing = live
    .map((request) => plannedTransitionOf(context, request))
    .filter((planned): planned is PlannedTransition => planned !== null)
    // Overdue ones were just performed or are running; another job would only race them.
    .filter((planned) => planned.at.getTime() > now)
    .filter((planned) => {
      const jobAt = scheduled.get(planned.kind)!.get(planned.requestId);
      if (jobAt === null) return false;
      return jobAt === undefined || jobAt.getTime() !== planned.at.getTime();
    });

  let rescheduled = 0;
  await forEachLimited(missing, parallelTransitions, async (planned) => {
    if (signal?.aborted) return;
    try {
      await scheduleTransition(context, planned);
      rescheduled += 1;
    } catch (error) {
      context.log.error(
        { err: error, jitRequestId: planned.requestId, kind: planned.kind },
        'scheduling a missing job failed',
      );
    }
  });
  return rescheduled;
}

/** Schedules the job of a planned transition through the context's scheduler. */
export function scheduleTransition(
  context: Pick<DomainContext, 'scheduler'>,
  planned: PlannedTransition,
): Promise<void> {
  const { scheduler } = context;
  switch (planned.kind) {
    case 'start':
      return scheduler.scheduleStart(planned.requestId, planned.at);
    case 'end':
      return scheduler.scheduleEnd(planned.requestId, planned.at);
    case 'pendingTimeout':
      return scheduler.schedulePendingTimeout(planned.requestId, planned.at);
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const schedulerActor: Actor = { kind: 'system', id: 'scheduler' };

/**
 * Ends, in one transaction, up to `limit` ACTIVE requests whose expiry has passed, oldest expiry
 * first. Each ends as endExpiredRequest would end it: the same outcome rule, endedAt set to the
 * planned expiry and one `request.ended` audit row. After the commit come one device notification
 * for the batch and one published change per request. Returns the ids it ended.
 *
 * Rows that another transaction has locked are skipped (SKIP LOCKED). So concurrent callers split
 * the due requests between them, and a request being extended right now is left to its own job.
 * The end jobs of the requests ended here are left to the caller, which removes them from the job
 * store in one query (ScheduledTransitionJobs.cancelJobs). A job that runs anyway finds its
 * request ended and changes nothing.
 */
export async function endDueRequests(
  context: DomainContext,
  options: { limit: number; actor?: Actor },
): Promise<string[]> {
  const actor = options.actor ?? schedulerActor;
  const now = context.clock.now();
  const ended = await inTransaction(context, async (tx) => {
    // Locks the due rows and reads their device sessions in one statement.
    const due = await tx.$queryRaw<
      {
        id: string;
        expiresAt: Date;
        // appliedAt is a timestamp without time zone, which JSON renders without an offset: UTC.
        sessions: { deviceId: string; state: DeviceSessionState; appliedAt: string | null }[];
      }[]
    >`
      WITH due AS (
        SELECT id, "expiresAt" FROM "JitRequest"
         WHERE status = 'ACTIVE' AND "expiresAt" <= ${now}
         ORDER BY "expiresAt", id
         LIMIT ${options.limit}
           FOR UPDATE SKIP LOCKED)
      SELECT due.id, due."expiresAt",
             coalesce(json_agg(json_build_object(
                        'deviceId', s."deviceId", 'state', s.state,
                        'appliedAt', s."appliedAt"))
                      FILTER (WHERE s.id IS NOT NULL), '[]') AS sessions
        FROM due LEFT JOIN "DeviceSession" AS s ON s."requestId" = due.id
       GROUP BY due.id, due."expiresAt"`;
    if (due.length === 0) return [];

    const outcomes = due.map((request) => {
      const status = outcomeAtExpiry(
        request.sessions.map((session) => ({
          state: session.state,
          appliedAt: session.appliedAt === null ? null : new Date(`${session.appliedAt}Z`),
        })),
      );
      return {
        id: request.id,
        status,
        deviceIds: request.sessions.map((session) => session.deviceId),
        details: JSON.stringify({
          status,
          plannedEndAt: request.expiresAt.toISOString(),
          lagMs: now.getTime() - request.expiresAt.getTime(),
        }),
      };
    });
    const ids = outcomes.map((outcome) => outcome.id);
    const statuses = outcomes.map((outcome) => outcome.status);
    const details = outcomes.map((outcome) => outcome.details);
    // Updates the requests and appends their audit rows in one statement.
    await tx.$executeRaw`
      WITH ended AS (
        UPDATE "JitRequest" AS r
           SET status = v.status::"JitStatus", "endedAt" = r."expiresAt",
               "extensionRequested" = false, "updatedAt" = ${now}
          FROM unnest(${ids}::text[], ${statuses}::text[]) AS v(id, status)
         WHERE r.id = v.id AND r.status = 'ACTIVE'
        RETURNING r.id)
      INSERT INTO "AuditEvent" (at, actor, action, "requestId", details)
      SELECT ${now}, ${actorName(actor)}, 'request.ended', v.id, v.details::jsonb
        FROM unnest(${ids}::text[], ${details}::text[]) AS v(id, details)
        JOIN ended ON ended.id = v.id`;
    return outcomes;
  });
  if (ended.length === 0) return [];

  const deviceIds = [...new Set(ended.flatMap((outcome) => outcome.deviceIds))];
  if (deviceIds.length > 0) context.notifier.devicesChanged(deviceIds);
  for (const { id, status } of ended) {
    context.publisher.publishRequestChange({
      action: status,
      requestId: id,
      status,
      previousStatus: 'ACTIVE',
    });
    context.log.info({ jitRequestId: id, action: status, status }, 'request changed');
  }
  return ended.map((outcome) => outcome.id);
}
