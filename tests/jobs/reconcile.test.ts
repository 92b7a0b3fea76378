import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import pg from 'pg';

import type {
  DomainContext,
  RequestChange,
  TransitionScheduler,
} from '../../src/domain/context.js';
import {
  endDueRequests,
  reconcileRequests,
  type ScheduledTransitionJobs,
} from '../../src/domain/requests/reconcile.js';
import { handleTransitionJob } from '../../src/jobs/transition-jobs.js';
import { startTestApp, type TestApp, TestClock } from '../helpers.js';
import { insertDevice, insertRequest, secondsFromNow } from './rows.js';
import { msUntil, waitFor } from './wait.js';

const pendingTimeoutSeconds = 60;
let test: TestApp;
let jobs: TransitionScheduler & ScheduledTransitionJobs;

beforeAll(async () => {
  test = await startTestApp({
    env: { JIT_PENDING_TIMEOUT_SECONDS: String(pendingTimeoutSeconds) },
  });
  jobs = test.app.domain.scheduler as TransitionScheduler & ScheduledTransitionJobs;
});

afterAll(async () => {
  await test.close();
});

function readRequest(id: string) {
  return test.app.database.prisma.jitRequest.findUniqueOrThrow({ where: { id } });
}

async function jobRowsOf(requestId: string) {
  const { rows } = await test.app.database.pool.query<{ name: string; next_run_at: Date | null }>(
    `SELECT name, next_run_at FROM agenda_jobs WHERE data ->> 'requestId' = $1 ORDER BY name`,
    [requestId],
  );
  return rows;
}

async function auditActions(requestId: string) {
  const events = await test.app.database.prisma.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
  });
  return events.map((event) => `${event.actor} ${event.action}`);
}

describe('reconcileRequests', () => {
  it('performs overdue transitions at their planned times', async () => {
    const prisma = test.app.database.prisma;
    const startedLongAgo = secondsFromNow(-20);
    const overdueStart = await insertRequest(prisma, {
      status: 'SCHEDULED',
      durationType: 'SCHEDULED',
      scheduledStartAt: secondsFromNow(-10),
    });
    const overdueStartAndEnd = await insertRequest(prisma, {
      status: 'SCHEDULED',
      durationType: 'SCHEDULED',
      durationSeconds: 5,
      scheduledStartAt: startedLongAgo,
    });
    const overdueEnd = await insertRequest(prisma, {
      status: 'ACTIVE',
      startedAt: secondsFromNow(-30),
      expiresAt: secondsFromNow(-10),
    });
    const overduePending = await insertRequest(prisma, {
      status: 'PENDING',
      requesterKind: 'USER',
      requestedAt: secondsFromNow(-2 * pendingTimeoutSeconds),
    });

    await reconcileRequests(test.app.domain, jobs);

    const started = await readRequest(overdueStart.id);
    expect(started.status).toBe('ACTIVE');
    expect(started.startedAt).toEqual(overdueStart.scheduledStartAt);
    expect(started.expiresAt).toEqual(
      new Date(overdueStart.scheduledStartAt!.getTime() + 3600 * 1000),
    );
    expect(await jobRowsOf(overdueStart.id)).toEqual([
      { name: 'endExpiredRequest', next_run_at: started.expiresAt },
    ]);

    const startedAndEnded = await readRequest(overdueStartAndEnd.id);
    expect(startedAndEnded.status).toBe('EXPIRED');
    expect(startedAndEnded.startedAt).toEqual(startedLongAgo);
    expect(startedAndEnded.endedAt).toEqual(new Date(startedLongAgo.getTime() + 5000));
    // Starting it schedules its end job for a time already past, so that job may end it first.
    const startAndEndActions = await auditActions(overdueStartAndEnd.id);
    expect(startAndEndActions).toHaveLength(2);
    expect(startAndEndActions[0]).toBe('reconciler request.started');
    expect(startAndEndActions[1]).toMatch(/^(reconciler|scheduler) request\.ended$/);

    const ended = await readRequest(overdueEnd.id);
    expect(ended.status).toBe('EXPIRED');
    expect(ended.endedAt).toEqual(overdueEnd.expiresAt);
    // Any end job's batch ends every due request, so the one above may get here first.
    const endActions = await auditActions(overdueEnd.id);
    expect(endActions).toHaveLength(1);
    expect(endActions[0]).toMatch(/^(reconciler|scheduler) request\.ended$/);

    const expired = await readRequest(overduePending.id);
    expect(expired.status).toBe('EXPIRED');
    expect(expired.endedAt).toEqual(
      new Date(overduePending.requestedAt.getTime() + pendingTimeoutSeconds * 1000),
    );
    expect(await auditActions(overduePending.id)).toEqual(['reconciler request.pending-expired']);

    const again = await reconcileRequests(test.app.domain, jobs);
    expect(again.performed).toEqual({ start: 0, end: 0, pendingTimeout: 0 });
    expect(again.failed).toBe(0);
  });

  it('schedules the missing job of each live request', async () => {
    const prisma = test.app.database.prisma;
    const pending = await insertRequest(prisma, { status: 'PENDING', requesterKind: 'USER' });
    const scheduled = await insertRequest(prisma, {
      status: 'SCHEDULED',
      durationType: 'SCHEDULED',
      scheduledStartAt: secondsFromNow(3600),
    });
    const active = await insertRequest(prisma, {
      status: 'ACTIVE',
      startedAt: new Date(),
      expiresAt: secondsFromNow(3600),
    });

    await reconcileRequests(test.app.domain, jobs);

    expect(await jobRowsOf(pending.id)).toEqual([
      {
        name: 'expirePendingRequest',
        next_run_at: new Date(pending.requestedAt.getTime() + pendingTimeoutSeconds * 1000),
      },
    ]);
    expect(await jobRowsOf(scheduled.id)).toEqual([
      { name: 'startScheduledRequest', next_run_at: scheduled.scheduledStartAt },
    ]);
    expect(await jobRowsOf(active.id)).toEqual([
      { name: 'endExpiredRequest', next_run_at: active.expiresAt },
    ]);
  });

  it('moves a job planned for the wrong time', async () => {
    const active = await insertRequest(test.app.database.prisma, {
      status: 'ACTIVE',
      startedAt: new Date(),
      expiresAt: secondsFromNow(3600),
    });
    await jobs.scheduleEnd(active.id, secondsFromNow(7200));

    const result = await reconcileRequests(test.app.domain, jobs);

    expect(result.rescheduled).toBeGreaterThanOrEqual(1);
    expect(await jobRowsOf(active.id)).toEqual([
      { name: 'endExpiredRequest', next_run_at: active.expiresAt },
    ]);
  });
});

describe('endDueRequests', () => {
  it('ends due requests in one batch with the outcome of each', async () => {
    const prisma = test.app.database.prisma;
    // Expiries an hour ahead of the wall clock, reached by a test clock two hours ahead: the
    // app's own jobs and reconcile passes, on the wall clock, leave these rows alone.
    const clock = new TestClock(secondsFromNow(7200));
    const changedDevices: string[][] = [];
    const changes: RequestChange[] = [];
    const context: DomainContext = {
      ...test.app.domain,
      clock,
      notifier: { devicesChanged: (ids) => changedDevices.push(ids), settingsChanged: () => {} },
      publisher: { publishRequestChange: (change) => changes.push(change) },
    };
    const insertEnding = async (
      state: 'WAITING' | 'APPLIED' | 'FAILED' | null,
      expiresInSeconds = 3600,
    ) => {
      const device = await insertDevice(prisma);
      const request = await insertRequest(prisma, {
        status: 'ACTIVE',
        startedAt: new Date(),
        expiresAt: secondsFromNow(expiresInSeconds),
        extensionRequested: true,
      });
      if (state) {
        await prisma.deviceSession.create({
          data: {
            requestId: request.id,
            deviceId: device.id,
            state,
            appliedAt: state === 'APPLIED' ? new Date() : null,
          },
        });
      }
      return { request, device };
    };
    const applied = await insertEnding('APPLIED');
    const failed = await insertEnding('FAILED');
    const waiting = await insertEnding('WAITING');
    const noDevice = await insertEnding(null);
    const notDue = await insertEnding('WAITING', 3 * 3600);
    const lockedElsewhere = await insertEnding('WAITING');

    const client = new pg.Client({ connectionString: test.database.url });
    await client.connect();
    let ended: string[];
    try {
      await client.query('BEGIN');
      await client.query(`SELECT 1 FROM "JitRequest" WHERE id = $1 FOR UPDATE`, [
        lockedElsewhere.request.id,
      ]);
      ended = await endDueRequests(context, { limit: 100 });
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }

    const mine = [applied, failed, waiting, noDevice].map((entry) => entry.request.id);
    expect(ended.filter((id) => mine.includes(id)).sort()).toEqual([...mine].sort());
    expect(ended).not.toContain(notDue.request.id);
    expect(ended).not.toContain(lockedElsewhere.request.id);
    const statuses = Object.fromEntries(
      await Promise.all(
        [applied, failed, waiting, noDevice, notDue, lockedElsewhere].map(async ({ request }) => {
          const row = await readRequest(request.id);
          return [request.id, row.status];
        }),
      ),
    );
    expect(statuses).toEqual({
      [applied.request.id]: 'COMPLETED',
      [failed.request.id]: 'FAILED',
      [waiting.request.id]: 'EXPIRED',
      [noDevice.request.id]: 'EXPIRED',
      [notDue.request.id]: 'ACTIVE',
      [lockedElsewhere.request.id]: 'ACTIVE',
    });
    const completed = await readRequest(applied.request.id);
    expect(completed.endedAt).toEqual(applied.request.expiresAt);
    expect(completed.extensionRequested).toBe(false);
    const audit = await prisma.auditEvent.findMany({ where: { requestId: applied.request.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('request.ended');
    expect(audit[0]!.actor).toBe('scheduler');
    expect(audit[0]!.at).toEqual(clock.now());
    expect(audit[0]!.details).toEqual({
      status: 'COMPLETED',
      plannedEndAt: applied.request.expiresAt!.toISOString(),
      lagMs: clock.now().getTime() - applied.request.expiresAt!.getTime(),
    });
    expect(changedDevices.flat()).toEqual(
      expect.arrayContaining([applied.device.id, failed.device.id, waiting.device.id]),
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        {
          action: 'COMPLETED',
          requestId: applied.request.id,
          status: 'COMPLETED',
          previousStatus: 'ACTIVE',
        },
        {
          action: 'FAILED',
          requestId: failed.request.id,
          status: 'FAILED',
          previousStatus: 'ACTIVE',
        },
      ]),
    );
  });
});

describe('handleTransitionJob', () => {
  it('rejects a payload without a request id', async () => {
    await expect(handleTransitionJob(test.app.domain, jobs, 'end', { at: 'x' })).rejects.toThrow();
  });

  it('returns the new time of an end that moved later', async () => {
    const active = await insertRequest(test.app.database.prisma, {
      status: 'ACTIVE',
      startedAt: new Date(),
      expiresAt: secondsFromNow(3600),
    });

    const outcome = await handleTransitionJob(test.app.domain, jobs, 'end', {
      requestId: active.id,
    });

    expect(outcome).toEqual({ changed: false, rescheduleAt: active.expiresAt });
    expect((await readRequest(active.id)).status).toBe('ACTIVE');
  });

  it('ends a due request once', async () => {
    const active = await insertRequest(test.app.database.prisma, {
      status: 'ACTIVE',
      startedAt: secondsFromNow(-5),
      expiresAt: secondsFromNow(-1),
    });

    const first = await handleTransitionJob(test.app.domain, jobs, 'end', { requestId: active.id });
    const second = await handleTransitionJob(test.app.domain, jobs, 'end', {
      requestId: active.id,
    });

    expect(first).toEqual({ changed: true });
    expect(second).toEqual({ changed: false });
    expect(await auditActions(active.id)).toEqual(['scheduler request.ended']);
  });

  it('leaves a request waiting for another kind alone', async () => {
    const scheduled = await insertRequest(test.app.database.prisma, {
      status: 'SCHEDULED',
      durationType: 'SCHEDULED',
      scheduledStartAt: secondsFromNow(3600),
    });

    const outcome = await handleTransitionJob(test.app.domain, jobs, 'end', {
      requestId: scheduled.id,
    });

    expect(outcome).toEqual({ changed: false });
  });
});

describe('pending timeout job', () => {
  let shortTimeout: TestApp;

  beforeAll(async () => {
    shortTimeout = await startTestApp({ env: { JIT_PENDING_TIMEOUT_SECONDS: '2' } });
  });

  afterAll(async () => {
    await shortTimeout.close();
  });

  it('expires a pending request nobody decided on', async () => {
    const prisma = shortTimeout.app.database.prisma;
    const device = await insertDevice(prisma);
    const pending = await insertRequest(prisma, {
      status: 'PENDING',
      requesterKind: 'USER',
      raisedFromDeviceId: device.id,
    });
    const deadline = new Date(pending.requestedAt.getTime() + 2000);
    await shortTimeout.app.domain.scheduler.schedulePendingTimeout(pending.id, deadline);

    const expired = await waitFor(
      'the pending request to expire',
      async () => {
        const current = await prisma.jitRequest.findUniqueOrThrow({ where: { id: pending.id } });
        return current.status === 'PENDING' ? null : current;
      },
      { timeoutMs: msUntil(deadline) + 5000 },
    );
    expect(expired.status).toBe('EXPIRED');
    expect(expired.endedAt).toEqual(deadline);
    const audit = await prisma.auditEvent.findMany({ where: { requestId: pending.id } });
    expect(audit.map((event) => `${event.actor} ${event.action}`)).toEqual([
      'scheduler request.pending-expired',
    ]);
  });

  it('is cancelled when the request is approved', async () => {
    const prisma = shortTimeout.app.database.prisma;
    const device = await insertDevice(prisma);
    const pending = await insertRequest(prisma, {
      status: 'PENDING',
      requesterKind: 'USER',
      targets: { create: [{ deviceId: device.id }] },
    });
    await shortTimeout.app.domain.scheduler.schedulePendingTimeout(
      pending.id,
      new Date(pending.requestedAt.getTime() + 2000),
    );

    const approve = await shortTimeout.gql(
      `mutation ($id: ID!) { approveJitRequest(input: { id: $id }) { status } }`,
      { id: pending.id },
    );

    expect(approve.data?.approveJitRequest.status).toBe('ACTIVE');
    const { rows } = await shortTimeout.app.database.pool.query<{ name: string }>(
      `SELECT name FROM agenda_jobs WHERE data ->> 'requestId' = $1`,
      [pending.id],
    );
    expect(rows).toEqual([{ name: 'endExpiredRequest' }]);
  });
});
