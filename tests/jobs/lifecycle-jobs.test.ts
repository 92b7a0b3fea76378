import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { msUntil, waitFor } from './wait.js';

let test: TestApp;

beforeAll(async () => {
  test = await startTestApp();
});

afterAll(async () => {
  await test.close();
});

function readRequest(id: string) {
  return test.app.database.prisma.jitRequest.findUniqueOrThrow({ where: { id } });
}

/** Waits until the request has left `status`, allowing `graceMs` past `dueAt`. */
function waitForStatusChange(id: string, status: string, dueAt: Date, graceMs = 5000) {
  return waitFor(
    `request ${id} to leave ${status}`,
    async () => {
      const current = await readRequest(id);
      return current.status === status ? null : current;
    },
    { timeoutMs: msUntil(dueAt) + graceMs },
  );
}

function auditOf(requestId: string, action: string) {
  return test.app.database.prisma.auditEvent.findMany({ where: { requestId, action } });
}

async function jobRowsOf(requestId: string) {
  const { rows } = await test.app.database.pool.query<{ name: string; next_run_at: Date | null }>(
    `SELECT name, next_run_at FROM agenda_jobs WHERE data ->> 'requestId' = $1`,
    [requestId],
  );
  return rows;
}

describe('end job', () => {
  it('ends a fixed request with no device online as EXPIRED', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, { durationSeconds: 3, deviceIds: [device.id] });
    const request = await readRequest(created.id);
    expect(request.status).toBe('ACTIVE');

    const ended = await waitForStatusChange(created.id, 'ACTIVE', request.expiresAt!);
    expect(ended.status).toBe('EXPIRED');
    expect(ended.endedAt).toEqual(request.expiresAt);
    const audit = await auditOf(created.id, 'request.ended');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('scheduler');
    expect(audit[0]!.at.getTime()).toBeGreaterThanOrEqual(request.expiresAt!.getTime());
    // The job run removes its row after the transition has committed, so wait for it.
    await expect.poll(() => jobRowsOf(created.id), { timeout: 10_000, interval: 50 }).toEqual([]);
  });

  it('ends as COMPLETED or FAILED from the device sessions', async () => {
    const prisma = test.app.database.prisma;
    const applied = await enrollTestDevice(test);
    const failed = await enrollTestDevice(test);
    const completedRequest = await createTestRequest(test, {
      durationSeconds: 3,
      deviceIds: [applied.id],
    });
    const failedRequest = await createTestRequest(test, {
      durationSeconds: 3,
      deviceIds: [failed.id],
    });
    await prisma.deviceSession.updateMany({
      where: { requestId: completedRequest.id },
      data: { state: 'APPLIED', appliedAt: new Date() },
    });
    await prisma.deviceSession.updateMany({
      where: { requestId: failedRequest.id },
      data: { state: 'FAILED', failureReason: 'no such account' },
    });

    const expiresAt = (await readRequest(failedRequest.id)).expiresAt!;
    const [completedEnd, failedEnd] = await Promise.all([
      waitForStatusChange(completedRequest.id, 'ACTIVE', expiresAt),
      waitForStatusChange(failedRequest.id, 'ACTIVE', expiresAt),
    ]);
    expect(completedEnd.status).toBe('COMPLETED');
    expect(failedEnd.status).toBe('FAILED');
  });
});

describe('start job', () => {
  it('starts and ends a scheduled request on time', async () => {
    const device = await enrollTestDevice(test);
    const startAt = new Date(Date.now() + 3000);
    const created = await createTestRequest(test, {
      durationType: 'SCHEDULED',
      scheduledStartAt: startAt.toISOString(),
      durationSeconds: 2,
      deviceIds: [device.id],
    });
    expect(created.status).toBe('SCHEDULED');
    expect(await jobRowsOf(created.id)).toEqual([
      { name: 'startScheduledRequest', next_run_at: startAt },
    ]);

    const started = await waitForStatusChange(created.id, 'SCHEDULED', startAt);
    expect(started.status).toBe('ACTIVE');
    expect(started.startedAt).toEqual(startAt);
    expect(started.expiresAt).toEqual(new Date(startAt.getTime() + 2000));
    const startAudit = await auditOf(created.id, 'request.started');
    expect(startAudit).toHaveLength(1);
    expect(startAudit[0]!.at.getTime()).toBeGreaterThanOrEqual(startAt.getTime());
    const sessions = await test.app.database.prisma.deviceSession.findMany({
      where: { requestId: created.id },
    });
    expect(sessions.map((session) => session.deviceId)).toEqual([device.id]);

    const ended = await waitForStatusChange(created.id, 'ACTIVE', started.expiresAt!);
    expect(ended.status).toBe('EXPIRED');
    expect(ended.endedAt).toEqual(started.expiresAt);
  });
});

describe('extension', () => {
  it('moves the end job to the new expiry', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, { durationSeconds: 3, deviceIds: [device.id] });
    const original = await readRequest(created.id);

    const extend = await test.gql(
      `mutation ($id: ID!) { extendJitRequest(input: { id: $id, additionalSeconds: 2 }) { expiresAt } }`,
      { id: created.id },
    );
    expect(extend.errors).toBeUndefined();
    const newExpiry = new Date(original.expiresAt!.getTime() + 2000);
    expect(new Date(extend.data!.extendJitRequest.expiresAt)).toEqual(newExpiry);
    expect(await jobRowsOf(created.id)).toEqual([
      { name: 'endExpiredRequest', next_run_at: newExpiry },
    ]);

    await new Promise((resolve) => setTimeout(resolve, msUntil(original.expiresAt!) + 500));
    expect((await readRequest(created.id)).status).toBe('ACTIVE');

    const ended = await waitForStatusChange(created.id, 'ACTIVE', newExpiry);
    expect(ended.status).toBe('EXPIRED');
    expect(ended.endedAt).toEqual(newExpiry);
    expect(await auditOf(created.id, 'request.ended')).toHaveLength(1);
  });
});

describe('revocation', () => {
  const revoke = `mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`;

  it('cancels the start job of a scheduled request', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, {
      durationType: 'SCHEDULED',
      scheduledStartAt: new Date(Date.now() + 3_600_000).toISOString(),
      deviceIds: [device.id],
    });
    expect(await jobRowsOf(created.id)).toHaveLength(1);

    const result = await test.gql(revoke, { id: created.id });
    expect(result.data?.revokeJitRequest.status).toBe('PRE_REVOKED');
    expect(await jobRowsOf(created.id)).toEqual([]);
  });

  it('cancels the end job of an active request', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, {
      durationSeconds: 3600,
      deviceIds: [device.id],
    });
    expect(await jobRowsOf(created.id)).toHaveLength(1);

    const result = await test.gql(revoke, { id: created.id });
    expect(result.data?.revokeJitRequest.status).toBe('REVOKED');
    expect(await jobRowsOf(created.id)).toEqual([]);
  });
});

describe('readiness', () => {
  it('reports the scheduler in /readyz', async () => {
    const { url } = await test.app.listen();

    const response = await fetch(`${url}/readyz`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: Record<string, boolean> };
    expect(body.checks.scheduler).toBe(true);
  });
});
