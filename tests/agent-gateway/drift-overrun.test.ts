import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RequestChange } from '../../src/domain/context.js';
import { endExpiredRequest } from '../../src/domain/requests/transitions.js';
import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp, TestClock } from '../helpers.js';
import { eventually, openAgent, type TestAgent } from './test-agent.js';

let test: TestApp;
let url: string;
const clock = new TestClock();
const agents: TestAgent[] = [];

beforeAll(async () => {
  test = await startTestApp({ clock, env: { AGENT_EXCLUDED_ACCOUNTS: 'itadmin' } });
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

function sessionOf(requestId: string, deviceId: string) {
  return test.app.database.prisma.deviceSession.findUniqueOrThrow({
    where: { requestId_deviceId: { requestId, deviceId } },
  });
}

async function auditOf(requestId: string) {
  return test.app.database.prisma.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
  });
}

/** Connects, acknowledges the only session as applied and returns the agent and command id. */
async function connectAndApply(token: string) {
  const opened = await connect(token);
  const commandId = opened.state.sessions[0]!.commandId;
  opened.agent.send({ v: 1, type: 'agent.ack', commandId, result: 'applied' });
  await opened.agent.next('server.ack-received');
  return { ...opened, commandId };
}

describe('drift', () => {
  it('lowers accounts elevated without a session, except excluded ones', async () => {
    const device = await enrollTestDevice(test);
    await test.gql(
      `mutation ($id: ID!) { setExcludedAccounts(input: { deviceId: $id, accounts: ["owner"] }) { id } }`,
      { id: device.id },
    );
    const active = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'alice',
    });
    const earlier = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'mallory',
    });
    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: earlier.id,
    });

    const { agent, state } = await connect(device.agentToken);
    expect(state.excludedAccounts).toEqual(['itadmin', 'owner']);
    expect(state.sessions.map((session) => session.requestId)).toEqual([active.id]);
    // The earlier session was never applied, so there is nothing of it to lower.
    expect(state.lower).toEqual([]);

    const changes: RequestChange[] = [];
    const publisher = test.app.domain.publisher;
    test.app.domain.publisher = {
      publishRequestChange: (change) => {
        changes.push(change);
        publisher.publishRequestChange(change);
      },
    };
    try {
      agent.send({
        v: 1,
        type: 'agent.state',
        elevatedAccounts: ['owner', 'itadmin', 'alice', 'mallory', 'trudy'],
      });
      const drifted = await agent.next('server.desired-state', (m) => m.lower.length === 2);
      expect(drifted.lower.map((entry) => [entry.userAccountName, entry.reason])).toEqual([
        ['mallory', 'drift'],
        ['trudy', 'drift'],
      ]);
      expect(drifted.lower.find((entry) => entry.userAccountName === 'mallory')?.requestId).toBe(
        earlier.id,
      );
      expect(
        drifted.lower.find((entry) => entry.userAccountName === 'trudy')?.requestId,
      ).toBeNull();
      expect(drifted.sessions.map((session) => session.userAccountName)).toEqual(['alice']);
      expect(changes).toContainEqual(
        expect.objectContaining({ action: 'DRIFT_DETECTED', requestId: earlier.id }),
      );
    } finally {
      test.app.domain.publisher = publisher;
    }
    const detected = await test.app.database.prisma.auditEvent.findMany({
      where: { deviceId: device.id, action: 'device.drift-detected' },
    });
    expect(
      detected
        .map((event) => (event.details as { userAccountName: string }).userAccountName)
        .sort(),
    ).toEqual(['mallory', 'trudy']);

    // The same report again creates no second command.
    agent.send({ v: 1, type: 'agent.state', elevatedAccounts: ['mallory', 'trudy', 'owner'] });
    agent.send({ v: 1, type: 'agent.heartbeat' });
    await agent.next('server.heartbeat-ack');
    const pending = await test.app.database.prisma.agentCommand.count({
      where: { deviceId: device.id, kind: 'lower', ackedAt: null },
    });
    expect(pending).toBe(2);
  });

  it('records the lower of a drifted account', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    agent.send({ v: 1, type: 'agent.hello', agentVersion: '1.0.0', elevatedAccounts: ['oscar'] });
    const drifted = await agent.next('server.desired-state', (m) => m.lower.length === 1);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: drifted.lower[0]!.commandId,
      result: 'lowered',
    });
    await agent.next('server.ack-received');
    const lowered = await test.app.database.prisma.auditEvent.findMany({
      where: { deviceId: device.id, action: 'device.drift-lowered' },
    });
    expect(lowered).toHaveLength(1);
  });
});

describe('overrun', () => {
  it('records how long the account stayed elevated past the end', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'peggy',
      durationSeconds: 60,
    });
    const { agent } = await connectAndApply(device.agentToken);
    await agent.close();

    // The device sleeps through the end and comes back 100 s after it.
    clock.advanceSeconds(160);
    const ended = await endExpiredRequest(test.app.domain, request.id);
    expect(ended?.status).toBe('COMPLETED');
    const back = await connect(device.agentToken);
    expect(back.state.sessions).toEqual([]);
    expect(back.state.lower).toMatchObject([{ requestId: request.id, reason: 'ended' }]);
    back.agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: back.state.lower[0]!.commandId,
      result: 'lowered',
    });
    await back.agent.next('server.ack-received');

    const session = await sessionOf(request.id, device.id);
    expect(session.state).toBe('REMOVED');
    expect(session.overrunSeconds).toBe(100);
    const overrun = (await auditOf(request.id)).find((event) => event.action === 'session.overrun');
    expect(overrun?.details).toMatchObject({ overrunSeconds: 100, userAccountName: 'peggy' });

    const graph = await test.gql(
      `query ($id: ID!) { jitRequest(id: $id) { deviceSessions { state overrunSeconds } } }`,
      { id: request.id },
    );
    expect(graph.data?.jitRequest.deviceSessions).toEqual([
      { state: 'REMOVED', overrunSeconds: 100 },
    ]);
  });

  it('uses the time the agent lowered the account on its own', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'quinn',
      durationSeconds: 60,
    });
    const { agent } = await connectAndApply(device.agentToken);
    await agent.close();
    clock.advanceSeconds(160);
    await endExpiredRequest(test.app.domain, request.id);

    // The agent lowered at its own deadline, 100 s ago: no overrun.
    const back = await connect(device.agentToken);
    back.agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: back.state.lower[0]!.commandId,
      result: 'lowered',
      loweredSecondsAgo: 100,
    });
    await back.agent.next('server.ack-received');
    const session = await sessionOf(request.id, device.id);
    expect(session.state).toBe('REMOVED');
    expect(session.overrunSeconds).toBeNull();
    expect(session.removedAt?.getTime()).toBe(
      (
        await test.app.database.prisma.jitRequest.findUniqueOrThrow({ where: { id: request.id } })
      ).expiresAt!.getTime(),
    );
  });
});

describe('Internet Access Required', () => {
  it('applies a suspended session again for the rest of its window', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'rupert',
      durationSeconds: 600,
      internetAccessRequired: true,
    });
    const { agent, commandId } = await connectAndApply(device.agentToken);
    const firstAppliedAt = (await sessionOf(request.id, device.id)).appliedAt;
    await agent.close();

    // The offline job suspends the session after the device has been silent; emulate it here.
    clock.advanceSeconds(420);
    await test.app.database.prisma.deviceSession.update({
      where: { requestId_deviceId: { requestId: request.id, deviceId: device.id } },
      data: { state: 'SUSPENDED' },
    });

    const back = await connect(device.agentToken);
    expect(back.state.sessions).toHaveLength(1);
    const session = back.state.sessions[0]!;
    expect(session.commandId).not.toBe(commandId);
    expect(session.remainingSeconds).toBe(180);
    expect(session.internetAccessRequired).toBe(true);
    back.agent.send({ v: 1, type: 'agent.ack', commandId: session.commandId, result: 'applied' });
    await back.agent.next('server.ack-received');

    const reapplied = await sessionOf(request.id, device.id);
    expect(reapplied.state).toBe('APPLIED');
    expect(reapplied.appliedAt).toEqual(firstAppliedAt);
    const actions = (await auditOf(request.id)).map((event) => event.action);
    expect(actions).toEqual([
      'request.created',
      'session.applied',
      'session.reapply-sent',
      'session.reapplied',
    ]);
    const sent = (await auditOf(request.id)).find(
      (event) => event.action === 'session.reapply-sent',
    );
    expect(sent?.details).toMatchObject({ remainingSeconds: 180, commandId: session.commandId });
  });

  it('lowers instead when the window closed while suspended', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'sybil',
      durationSeconds: 60,
      internetAccessRequired: true,
    });
    const { agent } = await connectAndApply(device.agentToken);
    await agent.close();
    clock.advanceSeconds(120);
    await test.app.database.prisma.deviceSession.update({
      where: { requestId_deviceId: { requestId: request.id, deviceId: device.id } },
      data: { state: 'SUSPENDED' },
    });

    const back = await connect(device.agentToken);
    expect(back.state.sessions).toEqual([]);
    expect(back.state.lower).toMatchObject([{ requestId: request.id, userAccountName: 'sybil' }]);
    back.agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: back.state.lower[0]!.commandId,
      result: 'lowered',
    });
    await back.agent.next('server.ack-received');
    const session = await eventually(async () => {
      const row = await sessionOf(request.id, device.id);
      return row.state === 'REMOVED' ? row : null;
    }, 'session removed');
    expect(session.overrunSeconds).toBeNull();
  });
});
