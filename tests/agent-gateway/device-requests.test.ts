import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { raiseRequestFromDevice } from '../../src/domain/agents/raise-request.js';
import type { RequestChange, TransitionScheduler } from '../../src/domain/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { createTestGroup, createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp, TestClock } from '../helpers.js';
import { openAgent, TestAgent } from './test-agent.js';

let test: TestApp;
let url: string;
const agents: TestAgent[] = [];

beforeAll(async () => {
  test = await startTestApp();
  ({ url } = await test.app.listen());
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
});

afterAll(async () => {
  await test.close();
});

async function connect(token: string) {
  const opened = await openAgent(url, token);
  agents.push(opened.agent);
  return opened;
}

/** Enrolls a device in a group of its own, so settings changes stay inside this test. */
async function enrollInOwnGroup(app: TestApp = test) {
  const device = await enrollTestDevice(app);
  const groupId = await createTestGroup(app, [device.id]);
  return { device, groupId };
}

async function updateGroupSettings(groupId: string, settings: Record<string, unknown>) {
  const result = await test.gql(
    `mutation ($input: UpdateAgentSettingsInput!) { updateAgentSettings(input: $input) { dailyRequestLimit } }`,
    { input: { deviceGroupId: groupId, ...settings } },
  );
  expect(result.errors).toBeUndefined();
}

let raiseCounter = 0;
async function raise(agent: TestAgent, fields: Record<string, unknown> = {}) {
  const id = `raise-${(raiseCounter += 1)}`;
  agent.send({
    v: 1,
    type: 'agent.raise',
    id,
    userAccountName: 'frank',
    durationSeconds: 900,
    reason: 'update the printer driver',
    ...fields,
  });
  return agent.next('server.raise-result', (message) => message.replyTo === id);
}

describe('agent.raise', () => {
  it('leaves the running agent connected on a requests-only connection', async () => {
    const { device } = await enrollInOwnGroup();
    const { agent: running } = await connect(device.agentToken);
    const requester = await TestAgent.connect(url, device.agentToken, '?mode=requests');
    agents.push(requester);
    const welcome = await requester.next('server.welcome');
    expect(welcome.deviceId).toBe(device.id);

    const result = await raise(requester);
    expect(result.ok).toBe(true);

    running.send({ v: 1, type: 'agent.heartbeat' });
    const ack = await running.next('server.heartbeat-ack');
    expect(ack.type).toBe('server.heartbeat-ack');
    // A replaced connection would have been closed (4002) before the heartbeat ack arrived.
    const state = await Promise.race([
      running.closed.then(() => 'closed'),
      Promise.resolve('open'),
    ]);
    expect(state).toBe('open');
  });

  it('creates a pending request for its own device', async () => {
    const { device } = await enrollInOwnGroup();
    const { agent } = await connect(device.agentToken);
    const changes: RequestChange[] = [];
    const timeouts: { requestId: string; at: Date }[] = [];
    const { publisher, scheduler } = test.app.domain;
    test.app.domain.publisher = {
      publishRequestChange: (change) => {
        changes.push(change);
        publisher.publishRequestChange(change);
      },
    };
    test.app.domain.scheduler = {
      ...scheduler,
      schedulePendingTimeout: async (requestId, at) => {
        timeouts.push({ requestId, at });
        await scheduler.schedulePendingTimeout(requestId, at);
      },
    } satisfies TransitionScheduler;
    try {
      const result = await raise(agent, { name: 'printer', internetAccessRequired: true });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.status).toBe('PENDING');

      const request = await test.app.database.prisma.jitRequest.findUniqueOrThrow({
        where: { id: result.requestId },
        include: { targets: true, auditEvents: true },
      });
      expect(request).toMatchObject({
        name: 'printer',
        userAccountName: 'frank',
        durationType: 'FIXED',
        durationSeconds: 900,
        internetAccessRequired: true,
        status: 'PENDING',
        requesterKind: 'USER',
        requestedBy: 'frank',
        reasonByUser: 'update the printer driver',
        raisedFromDeviceId: device.id,
      });
      expect(request.targets.map((target) => target.deviceId)).toEqual([device.id]);
      expect(request.auditEvents.map((event) => event.action)).toEqual(['request.raised']);
      expect(changes).toContainEqual(
        expect.objectContaining({ action: 'RAISED', requestId: request.id, raisedByUser: true }),
      );
      expect(timeouts).toEqual([
        { requestId: request.id, at: new Date(request.requestedAt.getTime() + 86_400_000) },
      ]);
    } finally {
      test.app.domain.publisher = publisher;
      test.app.domain.scheduler = scheduler;
    }
  });

  it('creates a scheduled request when a start is given', async () => {
    const { device } = await enrollInOwnGroup();
    const { agent } = await connect(device.agentToken);
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const result = await raise(agent, { scheduledStartAt: start });
    if (!result.ok) throw new Error(result.error.message);
    const request = await test.app.database.prisma.jitRequest.findUniqueOrThrow({
      where: { id: result.requestId },
    });
    expect(request.durationType).toBe('SCHEDULED');
    expect(request.scheduledStartAt?.toISOString()).toBe(start);
  });

  it('rejects invalid fields with the field name', async () => {
    const { device } = await enrollInOwnGroup();
    const { agent } = await connect(device.agentToken);
    const cases = [
      { fields: { userAccountName: 'bad name!' }, field: 'userAccountName' },
      { fields: { durationSeconds: 10_000_000 }, field: 'durationSeconds' },
      { fields: { reason: '   ' }, field: 'reason' },
      { fields: { scheduledStartAt: '2000-01-01T00:00:00Z' }, field: 'scheduledStartAt' },
    ];
    for (const { fields, field } of cases) {
      const result = await raise(agent, fields);
      expect(result.ok, field).toBe(false);
      if (result.ok) continue;
      expect(result.error.code, field).toBe('VALIDATION_FAILED');
      expect(result.error.field, field).toBe(field);
    }
  });

  it('rejects with SUBMISSION_DISABLED when submission or the section is off', async () => {
    for (const setting of ['requestSubmissionEnabled', 'jitSectionVisible']) {
      const { device, groupId } = await enrollInOwnGroup();
      const { agent } = await connect(device.agentToken);
      await updateGroupSettings(groupId, { [setting]: false });
      const pushed = await agent.next(
        'server.settings',
        (m) => !m.settings[setting as 'jitSectionVisible'],
      );
      expect(pushed.settings[setting as 'jitSectionVisible'], setting).toBe(false);

      const result = await raise(agent);
      expect(result.ok, setting).toBe(false);
      if (!result.ok) expect(result.error.code, setting).toBe('SUBMISSION_DISABLED');
    }
  });

  it('rejects with DAILY_LIMIT_REACHED past the limit', async () => {
    const { device, groupId } = await enrollInOwnGroup();
    await updateGroupSettings(groupId, { dailyRequestLimit: 2 });
    const { agent, settings } = await connect(device.agentToken);
    expect(settings.settings.dailyRequestLimit).toBe(2);

    // Admin-created grants for the same account and device do not count.
    await createTestRequest(test, { deviceIds: [device.id], userAccountName: 'frank' });
    expect((await raise(agent)).ok).toBe(true);
    expect((await raise(agent)).ok).toBe(true);
    const third = await raise(agent);
    expect(third.ok).toBe(false);
    if (!third.ok) {
      expect(third.error.code).toBe('DAILY_LIMIT_REACHED');
      expect(third.error.message).toContain("'frank'");
    }
    // The limit is per user account.
    expect((await raise(agent, { userAccountName: 'grace' })).ok).toBe(true);
  });

  it('holds the daily limit under concurrent submissions', async () => {
    const { device, groupId } = await enrollInOwnGroup();
    await updateGroupSettings(groupId, { dailyRequestLimit: 3 });
    const deviceRef = { id: device.id, name: device.name };
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) =>
        raiseRequestFromDevice(test.app.domain, deviceRef, {
          userAccountName: 'heidi',
          durationSeconds: 600,
          reason: `attempt ${index}`,
        }),
      ),
    );
    const accepted = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    expect(accepted).toHaveLength(3);
    expect(rejected).toHaveLength(2);
    for (const error of rejected) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('DAILY_LIMIT_REACHED');
    }
    const stored = await test.app.database.prisma.jitRequest.count({
      where: { raisedFromDeviceId: device.id, userAccountName: 'heidi' },
    });
    expect(stored).toBe(3);
  });

  it('holds the daily limit for five raises sent at once on the socket', async () => {
    const { device, groupId } = await enrollInOwnGroup();
    await updateGroupSettings(groupId, { dailyRequestLimit: 3 });
    const { agent } = await connect(device.agentToken);
    const results = await Promise.all(Array.from({ length: 5 }, () => raise(agent)));
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    expect(
      results.filter((result) => !result.ok && result.error.code === 'DAILY_LIMIT_REACHED'),
    ).toHaveLength(2);
  });
});

describe('daily limit calendar day', () => {
  it('starts a new day at midnight in DAILY_LIMIT_TIME_ZONE', async () => {
    // 03:30 UTC on 11 March 2026 is 23:30 on 10 March in New York (UTC-4 after 8 March).
    const clock = new TestClock(new Date('2026-03-11T03:30:00Z'));
    const zoned = await startTestApp({ clock, env: { DAILY_LIMIT_TIME_ZONE: 'America/New_York' } });
    try {
      const device = await enrollTestDevice(zoned);
      const groupId = await createTestGroup(zoned, [device.id]);
      await zoned.gql(
        `mutation ($input: UpdateAgentSettingsInput!) { updateAgentSettings(input: $input) { dailyRequestLimit } }`,
        { input: { deviceGroupId: groupId, dailyRequestLimit: 1 } },
      );
      const deviceRef = { id: device.id, name: device.name };
      const input = { userAccountName: 'ivan', durationSeconds: 600, reason: 'patch' };
      await raiseRequestFromDevice(zoned.app.domain, deviceRef, input);
      await expect(
        raiseRequestFromDevice(zoned.app.domain, deviceRef, input),
      ).rejects.toMatchObject({
        code: 'DAILY_LIMIT_REACHED',
      });

      // 04:30 UTC is 00:30 on 11 March in New York: a new day there, the same day in UTC.
      clock.advanceSeconds(3600);
      const next = await raiseRequestFromDevice(zoned.app.domain, deviceRef, input);
      expect(next.status).toBe('PENDING');
    } finally {
      await zoned.close();
    }
  });
});

describe('agent.request-extension', () => {
  it('marks the active request of the device', async () => {
    const { device } = await enrollInOwnGroup();
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'judy',
    });
    const { agent } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.request-extension',
      id: 'e1',
      requestId: request.id,
      additionalSeconds: 600,
      reason: 'still compiling',
    });
    const result = await agent.next('server.extension-result');
    expect(result).toMatchObject({ replyTo: 'e1', ok: true, requestId: request.id });
    const stored = await test.app.database.prisma.jitRequest.findUniqueOrThrow({
      where: { id: request.id },
      include: { auditEvents: { orderBy: { id: 'asc' } } },
    });
    expect(stored.extensionRequested).toBe(true);
    expect(stored.extensionRequestedSeconds).toBe(600);
    expect(stored.extensionRequestReason).toBe('still compiling');
    expect(stored.auditEvents.at(-1)?.action).toBe('request.extension-requested');
  });

  it('finds the request by account name', async () => {
    const { device } = await enrollInOwnGroup();
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'kim',
    });
    const { agent } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.request-extension',
      id: 'e2',
      userAccountName: 'kim',
      additionalSeconds: 120,
      reason: 'one more test run',
    });
    expect(await agent.next('server.extension-result')).toMatchObject({
      ok: true,
      requestId: request.id,
    });
  });

  it('rejects requests of other devices and inactive requests', async () => {
    const { device } = await enrollInOwnGroup();
    const other = await enrollTestDevice(test);
    const foreign = await createTestRequest(test, { deviceIds: [other.id] });
    const own = await createTestRequest(test, { deviceIds: [device.id] });
    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: own.id,
    });
    const { agent } = await connect(device.agentToken);
    const ask = async (requestId: string) => {
      agent.send({
        v: 1,
        type: 'agent.request-extension',
        id: requestId,
        requestId,
        additionalSeconds: 60,
        reason: 'more',
      });
      return agent.next('server.extension-result', (m) => m.replyTo === requestId);
    };
    const foreignResult = await ask(foreign.id);
    expect(foreignResult.ok).toBe(false);
    if (!foreignResult.ok) expect(foreignResult.error.code).toBe('NOT_FOUND');
    const revokedResult = await ask(own.id);
    expect(revokedResult.ok).toBe(false);
    if (!revokedResult.ok) expect(revokedResult.error.code).toBe('INVALID_TRANSITION');
  });
});
