import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/app.js';
import { hashAgentToken } from '../../src/domain/devices/agent-token.js';
import { createJitRequest } from '../../src/domain/requests/create-request.js';
import { createLogger } from '../../src/logger.js';
import { createTestGroup, createTestRequest, enrollTestDevice } from '../factories.js';
import { createTestDatabase, startTestApp, type TestApp, testConfig } from '../helpers.js';
import { eventually, openAgent, type TestAgent } from './test-agent.js';

let test: TestApp;
let url: string;
const agents: TestAgent[] = [];

beforeAll(async () => {
  test = await startTestApp({ env: { AGENT_COMMAND_RESEND_SECONDS: '1' } });
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

async function auditActions(requestId: string) {
  const events = await test.app.database.prisma.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
  });
  return events.map((event) => event.action);
}

describe('desired state', () => {
  it('lists an active session on connect', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'carol',
      durationSeconds: 900,
      internetAccessRequired: true,
    });
    const { state } = await connect(device.agentToken);
    expect(state.sessions).toHaveLength(1);
    const session = state.sessions[0]!;
    expect(session.requestId).toBe(request.id);
    expect(session.userAccountName).toBe('carol');
    expect(session.internetAccessRequired).toBe(true);
    expect(session.offlineRevokeAfterSeconds).toBe(300);
    expect(session.remainingSeconds).toBeGreaterThan(880);
    expect(session.remainingSeconds).toBeLessThanOrEqual(900);
    expect(session.deviceSessionId).toMatch(/^ses_/);
    expect(session.commandId).toMatch(/^cmd_/);
  });

  it('follows approve, extend and revoke', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.raise',
      id: 'r1',
      userAccountName: 'dave',
      durationSeconds: 600,
      reason: 'install a driver',
    });
    const raised = await agent.next('server.raise-result');
    if (!raised.ok) throw new Error(raised.error.message);

    const approve = await test.gql(
      `mutation ($id: ID!) { approveJitRequest(input: { id: $id }) { status } }`,
      { id: raised.requestId },
    );
    expect(approve.data?.approveJitRequest.status).toBe('ACTIVE');
    const approved = await agent.next('server.desired-state', (m) => m.sessions.length === 1);
    expect(approved.sessions[0]!.requestId).toBe(raised.requestId);
    expect(approved.sessions[0]!.remainingSeconds).toBeLessThanOrEqual(600);

    await test.gql(
      `mutation ($id: ID!) { extendJitRequest(input: { id: $id, additionalSeconds: 300 }) { status } }`,
      { id: raised.requestId },
    );
    const extended = await agent.next(
      'server.desired-state',
      (m) => (m.sessions[0]?.remainingSeconds ?? 0) > 600,
    );
    expect(extended.sessions[0]!.remainingSeconds).toBeLessThanOrEqual(900);
    expect(extended.sessions[0]!.commandId).toBe(approved.sessions[0]!.commandId);

    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: approved.sessions[0]!.commandId,
      result: 'applied',
    });
    await agent.next('server.ack-received');
    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: raised.requestId,
    });
    const revoked = await agent.next('server.desired-state', (m) => m.lower.length === 1);
    expect(revoked.sessions).toEqual([]);
    expect(revoked.lower[0]).toMatchObject({
      requestId: raised.requestId,
      userAccountName: 'dave',
      reason: 'revoked',
      deviceSessionId: approved.sessions[0]!.deviceSessionId,
    });
  });
});

describe('acknowledgements', () => {
  it('moves the session through APPLIED and REMOVED once', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    const { agent, state } = await connect(device.agentToken);
    const commandId = state.sessions[0]!.commandId;

    agent.send({ v: 1, type: 'agent.ack', commandId, result: 'applied' });
    expect(await agent.next('server.ack-received')).toMatchObject({
      commandId,
      alreadyAcknowledged: false,
    });
    const applied = await sessionOf(request.id, device.id);
    expect(applied.state).toBe('APPLIED');
    expect(applied.appliedAt).not.toBeNull();

    agent.send({ v: 1, type: 'agent.ack', commandId, result: 'applied' });
    expect(await agent.next('server.ack-received')).toMatchObject({ alreadyAcknowledged: true });
    const again = await sessionOf(request.id, device.id);
    expect(again.appliedAt).toEqual(applied.appliedAt);
    expect(again.updatedAt).toEqual(applied.updatedAt);

    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: request.id,
    });
    const revoked = await agent.next('server.desired-state', (m) => m.lower.length === 1);
    const lowerId = revoked.lower[0]!.commandId;
    agent.send({ v: 1, type: 'agent.ack', commandId: lowerId, result: 'lowered' });
    await agent.next('server.ack-received');
    const removed = await sessionOf(request.id, device.id);
    expect(removed.state).toBe('REMOVED');
    expect(removed.removedAt).not.toBeNull();
    expect(removed.overrunSeconds).toBeNull();

    agent.send({ v: 1, type: 'agent.ack', commandId: lowerId, result: 'lowered' });
    expect(await agent.next('server.ack-received')).toMatchObject({ alreadyAcknowledged: true });
    expect(await auditActions(request.id)).toEqual([
      'request.created',
      'session.applied',
      'request.revoked',
      'session.removed',
    ]);
  });

  it('records a failure with the agent reason', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    const { agent, state } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: state.sessions[0]!.commandId,
      result: 'failed',
      error: 'dseditgroup exited with status 64',
    });
    await agent.next('server.ack-received');
    const failed = await sessionOf(request.id, device.id);
    expect(failed.state).toBe('FAILED');
    expect(failed.failureReason).toBe('dseditgroup exited with status 64');
    const after = await agent.next('server.desired-state', () => true, 200).catch(() => null);
    expect(after).toBeNull();
  });

  it('records a missing account as a failure', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'ghost',
    });
    const { agent, state } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: state.sessions[0]!.commandId,
      result: 'account-not-found',
    });
    await agent.next('server.ack-received');
    const failed = await sessionOf(request.id, device.id);
    expect(failed.state).toBe('FAILED');
    expect(failed.failureReason).toBe("User account 'ghost' was not found on the device.");
  });

  it('rejects a result that does not fit the command', async () => {
    const device = await enrollTestDevice(test);
    await createTestRequest(test, { deviceIds: [device.id] });
    const { agent, state } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: state.sessions[0]!.commandId,
      result: 'lowered',
    });
    const error = await agent.next('server.error');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.field).toBe('result');
  });

  it('keeps a failed lower pending and sends it again', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    const { agent, state } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: state.sessions[0]!.commandId,
      result: 'applied',
    });
    await agent.next('server.ack-received');
    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: request.id,
    });
    const revoked = await agent.next('server.desired-state', (m) => m.lower.length === 1);
    const lowerId = revoked.lower[0]!.commandId;
    agent.send({ v: 1, type: 'agent.ack', commandId: lowerId, result: 'failed', error: 'busy' });
    expect(await agent.next('server.ack-received')).toMatchObject({ alreadyAcknowledged: false });
    expect((await sessionOf(request.id, device.id)).state).toBe('APPLIED');

    const resent = await agent.next('server.desired-state', (m) => m.lower.length === 1);
    expect(resent.lower[0]!.commandId).toBe(lowerId);
    agent.send({ v: 1, type: 'agent.ack', commandId: lowerId, result: 'lowered' });
    await agent.next('server.ack-received');
    expect((await sessionOf(request.id, device.id)).state).toBe('REMOVED');
    expect(await auditActions(request.id)).toContain('session.lower-failed');
  });

  it('sends unacknowledged commands again after the resend interval', async () => {
    const device = await enrollTestDevice(test);
    await createTestRequest(test, { deviceIds: [device.id] });
    const { agent, state } = await connect(device.agentToken);
    const resent = await agent.next('server.desired-state');
    expect(resent.sessions.map((s) => s.commandId)).toEqual(state.sessions.map((s) => s.commandId));
    const command = await test.app.database.prisma.agentCommand.findUniqueOrThrow({
      where: { id: state.sessions[0]!.commandId },
    });
    expect(command.sentAt).not.toBeNull();
    expect(command.ackedAt).toBeNull();
  });
});

describe('fan-out', () => {
  it('sends a group request to every connected device and records their acks', async () => {
    const devices = await Promise.all([1, 2, 3].map(() => enrollTestDevice(test)));
    const groupId = await createTestGroup(
      test,
      devices.map((device) => device.id),
    );
    const opened = await Promise.all(devices.map((device) => connect(device.agentToken)));
    const request = await createTestRequest(test, { deviceGroupIds: [groupId] });

    const states = await Promise.all(
      opened.map(({ agent }) => agent.next('server.desired-state', (m) => m.sessions.length === 1)),
    );
    // Every agent acknowledges at once; one of them also repeats its ack and sends a stray one.
    opened.forEach(({ agent }, index) => {
      agent.send({
        v: 1,
        type: 'agent.ack',
        commandId: states[index]!.sessions[0]!.commandId,
        result: 'applied',
      });
    });
    opened[0]!.agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: states[0]!.sessions[0]!.commandId,
      result: 'applied',
    });
    opened[1]!.agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: states[2]!.sessions[0]!.commandId,
      result: 'applied',
    });

    for (const { agent } of opened) {
      expect(await agent.next('server.ack-received')).toMatchObject({ alreadyAcknowledged: false });
    }
    expect(await opened[0]!.agent.next('server.ack-received')).toMatchObject({
      alreadyAcknowledged: true,
    });
    expect((await opened[1]!.agent.next('server.error')).code).toBe('NOT_FOUND');

    const sessions = await test.app.database.prisma.deviceSession.findMany({
      where: { requestId: request.id },
    });
    expect(sessions.map((session) => session.state)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    const applied = await test.app.database.prisma.auditEvent.count({
      where: { requestId: request.id, action: 'session.applied' },
    });
    expect(applied).toBe(3);
  });
});

describe('persisted commands', () => {
  it('survive a server restart and are sent again', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-gateway-restart-'));
    const config = testConfig(dataDir);
    const log = createLogger(config.log.level);
    try {
      const first = await createApp({ config, log, databaseUrl: database.url });
      const { url: firstUrl } = await first.listen();
      const token = 'jitd_restart-test-token';
      const device = await first.domain.prisma.device.create({
        data: { name: 'restart-mac', platform: 'macos', tokenHash: hashAgentToken(token) },
      });
      const opened = await openAgent(firstUrl, token);
      await createJitRequest(
        first.domain,
        { kind: 'admin', id: 'admin-user', role: 'admin' },
        {
          name: 'restart',
          userAccountName: 'erin',
          durationType: 'FIXED',
          durationSeconds: 600,
          deviceIds: [device.id],
        },
      );
      const before = await opened.agent.next(
        'server.desired-state',
        (m) => m.sessions.length === 1,
      );
      await opened.agent.close();
      await first.close();

      const second = await createApp({ config, log, databaseUrl: database.url });
      try {
        const { url: secondUrl } = await second.listen();
        const reopened = await openAgent(secondUrl, token);
        agents.push(reopened.agent);
        expect(reopened.state.sessions.map((s) => s.commandId)).toEqual([
          before.sessions[0]!.commandId,
        ]);
        reopened.agent.send({
          v: 1,
          type: 'agent.ack',
          commandId: before.sessions[0]!.commandId,
          result: 'applied',
        });
        await reopened.agent.next('server.ack-received');
        const session = await second.domain.prisma.deviceSession.findFirstOrThrow({
          where: { deviceId: device.id },
        });
        expect(session.state).toBe('APPLIED');
        await reopened.agent.close();
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('excluded accounts', () => {
  it('are sent with the desired state and never lowered', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, {
      deviceIds: [device.id],
      userAccountName: 'owner',
    });
    const { agent, state } = await connect(device.agentToken);
    agent.send({
      v: 1,
      type: 'agent.ack',
      commandId: state.sessions[0]!.commandId,
      result: 'applied',
    });
    await agent.next('server.ack-received');
    await test.gql(
      `mutation ($id: ID!) { setExcludedAccounts(input: { deviceId: $id, accounts: ["owner"] }) { id } }`,
      { id: device.id },
    );
    const excluded = await agent.next('server.desired-state', (m) =>
      m.excludedAccounts.includes('owner'),
    );
    expect(excluded.sessions).toHaveLength(1);

    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { status } }`, {
      id: request.id,
    });
    const revoked = await agent.next('server.desired-state', (m) => m.sessions.length === 0);
    expect(revoked.lower).toEqual([]);
    const session = await eventually(async () => {
      const row = await sessionOf(request.id, device.id);
      return row.state === 'REMOVED' ? row : null;
    }, 'excluded session closed');
    expect(session.overrunSeconds).toBeNull();
    expect(await auditActions(request.id)).toContain('session.lower-skipped');
  });
});
