import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PrismaClient } from '../../src/db/client.js';
import type { DomainContext, RequestChange } from '../../src/domain/context.js';
import { suspendSilentDeviceSessions } from '../../src/domain/devices/offline.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { insertDevice, insertRequest, secondsFromNow } from './rows.js';
import { waitFor } from './wait.js';

async function insertActiveRequest(
  prisma: PrismaClient,
  internetAccessRequired: boolean,
  sessions: { deviceId: string; state: 'WAITING' | 'APPLIED' }[],
) {
  const request = await insertRequest(prisma, {
    status: 'ACTIVE',
    internetAccessRequired,
    startedAt: new Date(),
    expiresAt: secondsFromNow(3600),
  });
  for (const session of sessions) {
    await prisma.deviceSession.create({
      data: {
        requestId: request.id,
        deviceId: session.deviceId,
        state: session.state,
        appliedAt: session.state === 'APPLIED' ? new Date() : null,
      },
    });
  }
  return request;
}

function sessionStates(prisma: PrismaClient, requestId: string) {
  return prisma.deviceSession
    .findMany({ where: { requestId }, select: { deviceId: true, state: true } })
    .then((rows) => Object.fromEntries(rows.map((row) => [row.deviceId, row.state])));
}

describe('suspendSilentDeviceSessions', () => {
  let test: TestApp;

  beforeAll(async () => {
    // The app's own recurring job uses a one-hour delay, so it never suspends the devices below,
    // which fell silent ten minutes ago. The calls under test use a 300 s delay.
    test = await startTestApp({ env: { OFFLINE_REVOKE_AFTER_SECONDS: '3600' } });
  });

  afterAll(async () => {
    await test.close();
  });

  function spyContext() {
    const changedDevices: string[][] = [];
    const changes: RequestChange[] = [];
    const context: DomainContext = {
      ...test.app.domain,
      config: { ...test.app.domain.config, offlineRevokeAfterSeconds: 300 },
      notifier: { devicesChanged: (ids) => changedDevices.push(ids), settingsChanged: () => {} },
      publisher: { publishRequestChange: (change) => changes.push(change) },
    };
    return { context, changedDevices, changes };
  }

  it('suspends applied sessions of silent devices on internet-required requests', async () => {
    const prisma = test.app.database.prisma;
    const tenMinutesAgo = secondsFromNow(-600);
    const silent = await insertDevice(prisma, { lastSeenAt: tenMinutesAgo });
    const fresh = await insertDevice(prisma, { lastSeenAt: new Date(), online: true });
    const silentNotApplied = await insertDevice(prisma, { lastSeenAt: tenMinutesAgo });
    const silentElsewhere = await insertDevice(prisma, { lastSeenAt: tenMinutesAgo });
    const required = await insertActiveRequest(prisma, true, [
      { deviceId: silent.id, state: 'APPLIED' },
      { deviceId: fresh.id, state: 'APPLIED' },
      { deviceId: silentNotApplied.id, state: 'WAITING' },
    ]);
    const notRequired = await insertActiveRequest(prisma, false, [
      { deviceId: silentElsewhere.id, state: 'APPLIED' },
    ]);
    const { context, changedDevices, changes } = spyContext();

    expect(await suspendSilentDeviceSessions(context)).toBe(1);

    expect(await sessionStates(prisma, required.id)).toEqual({
      [silent.id]: 'SUSPENDED',
      [fresh.id]: 'APPLIED',
      [silentNotApplied.id]: 'WAITING',
    });
    expect(await sessionStates(prisma, notRequired.id)).toEqual({
      [silentElsewhere.id]: 'APPLIED',
    });
    expect(changedDevices).toEqual([[silent.id]]);
    expect(changes).toEqual([
      { action: 'DEVICE_SUSPENDED', requestId: required.id, status: 'ACTIVE' },
    ]);
    const audit = await prisma.auditEvent.findMany({ where: { requestId: required.id } });
    expect(audit.map((event) => [event.actor, event.action, event.deviceId])).toEqual([
      ['scheduler', 'device-session.suspended', silent.id],
    ]);

    expect(await suspendSilentDeviceSessions(context)).toBe(0);
    expect(changedDevices).toHaveLength(1);
  });

  it('suspends once when two callers race', async () => {
    const prisma = test.app.database.prisma;
    const silent = await insertDevice(prisma, { lastSeenAt: secondsFromNow(-600) });
    const required = await insertActiveRequest(prisma, true, [
      { deviceId: silent.id, state: 'APPLIED' },
    ]);

    const counts = await Promise.all([
      suspendSilentDeviceSessions(spyContext().context),
      suspendSilentDeviceSessions(spyContext().context),
    ]);

    expect(counts[0] + counts[1]).toBe(1);
    const audit = await prisma.auditEvent.findMany({ where: { requestId: required.id } });
    expect(audit).toHaveLength(1);
  });
});

describe('suspendSilentDevices job', () => {
  let test: TestApp;

  beforeAll(async () => {
    // Agenda picks recurring jobs up on its scans, so the scan interval bounds the check interval.
    test = await startTestApp({
      env: { OFFLINE_REVOKE_AFTER_SECONDS: '2', JOBS_PROCESS_EVERY_MS: '1000' },
    });
  });

  afterAll(async () => {
    await test.close();
  });

  it('suspends a device that stops reporting, and not one that keeps reporting', async () => {
    const prisma = test.app.database.prisma;
    const falling = await insertDevice(prisma, { lastSeenAt: new Date(), online: true });
    const reporting = await insertDevice(prisma, { lastSeenAt: new Date(), online: true });
    const required = await insertActiveRequest(prisma, true, [
      { deviceId: falling.id, state: 'APPLIED' },
      { deviceId: reporting.id, state: 'APPLIED' },
    ]);
    // Stands in for the gateway's heartbeat handling of the device that stays connected.
    const heartbeat = setInterval(() => {
      // Prisma runs a query only once it is awaited or given a handler.
      prisma.device
        .update({ where: { id: reporting.id }, data: { lastSeenAt: new Date() } })
        .catch(() => undefined);
    }, 200);

    try {
      await waitFor(
        'the silent device session to be suspended',
        async () => {
          const states = await sessionStates(prisma, required.id);
          return states[falling.id] === 'SUSPENDED' ? states : null;
        },
        { timeoutMs: 10_000 },
      );
    } finally {
      clearInterval(heartbeat);
    }
    expect((await sessionStates(prisma, required.id))[reporting.id]).toBe('APPLIED');
    const audit = await prisma.auditEvent.findMany({
      where: { requestId: required.id, action: 'device-session.suspended' },
    });
    expect(audit.map((event) => event.deviceId)).toEqual([falling.id]);
  });
});
