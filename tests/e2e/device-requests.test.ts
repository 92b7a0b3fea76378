// End to end: a real server on a free port, real agent child processes with the simulate driver,
// console actions through GraphQL. Covers requests raised from a device and the admin decisions.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { AgentProcess, disposeAgents, runAgentCli } from '../agent/agent-process.js';
import {
  decide,
  type E2eServer,
  poll,
  readRequest,
  sessionStates,
  startE2eServer,
  waitOnline,
} from './e2e-helpers.js';

let server: E2eServer;

beforeAll(async () => {
  server = await startE2eServer();
});

afterEach(async () => {
  await disposeAgents();
});

afterAll(async () => {
  await server?.test.close();
});

function raiseArgs(token: string, user: string, extra: string[] = []): string[] {
  return ['raise', '--server', server.url, '--token', token, '--user', user].concat(
    ['--duration', '60', '--reason', 'install a printer driver'],
    extra,
  );
}

describe('requests raised on a device', { timeout: 120_000 }, () => {
  it('raise, approve, apply and revoke', async () => {
    const device = await enrollTestDevice(server.test);
    const agent = await AgentProcess.start({ server: server.url, token: device.agentToken });
    await waitOnline(server.test, device);

    const raised = await runAgentCli(raiseArgs(device.agentToken, 'alice', ['--name', 'printer']));
    expect(raised.stderr).toBe('');
    expect(raised.code).toBe(0);
    const requestId = raised.stdout.trim();
    expect(requestId).toMatch(/^req_/);

    const pending = await server.test.gql<{ jitRequest: Record<string, unknown> }>(
      `query ($id: ID!) { jitRequest(id: $id) { status requesterKind reasonByUser name userAccountName } }`,
      { id: requestId },
    );
    expect(pending.data?.jitRequest).toEqual({
      status: 'PENDING',
      requesterKind: 'USER',
      reasonByUser: 'install a printer driver',
      name: 'printer',
      userAccountName: 'alice',
    });

    expect(
      await decide(server.test, 'approveJitRequest', { id: requestId, reasonByAdmin: 'ok' }),
    ).toBe('ACTIVE');
    await expect
      .poll(() => sessionStates(server.test, requestId), poll)
      .toEqual({
        [device.id]: 'APPLIED',
      });
    expect(await agent.elevatedAccounts()).toEqual(['alice']);

    expect(
      await decide(server.test, 'revokeJitRequest', { id: requestId, reasonByAdmin: 'done' }),
    ).toBe('REVOKED');
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual([]);
    await expect
      .poll(() => sessionStates(server.test, requestId), poll)
      .toEqual({
        [device.id]: 'REMOVED',
      });
  });

  it('deny leaves the device untouched', async () => {
    const device = await enrollTestDevice(server.test);
    const agent = await AgentProcess.start({ server: server.url, token: device.agentToken });
    await waitOnline(server.test, device);
    const raised = await runAgentCli(raiseArgs(device.agentToken, 'dave'));
    const requestId = raised.stdout.trim();
    expect(
      await decide(server.test, 'denyJitRequest', { id: requestId, reasonByAdmin: 'no' }),
    ).toBe('DENIED');
    const denied = await readRequest(server.test, requestId);
    expect(denied.deviceSessions).toEqual([]);
    expect(await agent.elevatedAccounts()).toEqual([]);
  });

  it('extension request, then an admin extends', async () => {
    const device = await enrollTestDevice(server.test);
    const agent = await AgentProcess.start({ server: server.url, token: device.agentToken });
    await waitOnline(server.test, device);
    const request = await createTestRequest(server.test, {
      userAccountName: 'erin',
      durationSeconds: 60,
      deviceIds: [device.id],
    });
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['erin']);

    const extend = await runAgentCli(
      [
        'extend',
        '--server',
        server.url,
        '--token',
        device.agentToken,
        '--request',
        request.id,
      ].concat(['--seconds', '120', '--reason', 'still compiling']),
    );
    expect(extend.stderr).toBe('');
    expect(extend.stdout.trim()).toBe(request.id);
    const asked = await readRequest(server.test, request.id);
    expect(asked.extensionRequested).toBe(true);

    const before = Date.parse(asked.expiresAt!);
    expect(
      await decide(server.test, 'extendJitRequest', {
        id: request.id,
        additionalSeconds: 120,
        reasonByAdmin: 'granted',
      }),
    ).toBe('ACTIVE');
    const extended = await readRequest(server.test, request.id);
    expect(Date.parse(extended.expiresAt!) - before).toBe(120_000);
    expect(extended.extensionRequested).toBe(false);
    // The agent received the later deadline with the new desired state.
    await expect.poll(() => agent.hasLog('session deadline moved'), poll).toBe(true);
    const moved = agent.logs.find((line) => line.msg === 'session deadline moved');
    expect(moved?.remainingSeconds).toBeGreaterThan(60);
  });

  it('daily limit rejects the next raise', async () => {
    const device = await enrollTestDevice(server.test);
    const limited = await server.test.gql(
      `mutation { updateAgentSettings(input: { dailyRequestLimit: 1 }) { dailyRequestLimit } }`,
    );
    expect(limited.errors).toBeUndefined();
    try {
      const first = await runAgentCli(raiseArgs(device.agentToken, 'frank'));
      expect(first.code).toBe(0);
      const second = await runAgentCli(raiseArgs(device.agentToken, 'frank'));
      expect(second.code).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toMatch(/^DAILY_LIMIT_REACHED: /);
    } finally {
      await server.test.gql(
        `mutation { updateAgentSettings(input: { dailyRequestLimit: 3 }) { dailyRequestLimit } }`,
      );
    }
  });

  it('a missing account fails on that device only', async () => {
    const present = await enrollTestDevice(server.test);
    const missing = await enrollTestDevice(server.test);
    await AgentProcess.start({ server: server.url, token: present.agentToken });
    await AgentProcess.start({
      server: server.url,
      token: missing.agentToken,
      args: ['--simulate-missing-accounts', 'gina'],
    });
    await waitOnline(server.test, present);
    await waitOnline(server.test, missing);
    const request = await createTestRequest(server.test, {
      userAccountName: 'gina',
      deviceIds: [present.id, missing.id],
    });
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [present.id]: 'APPLIED',
        [missing.id]: 'FAILED',
      });
    const failed = (await readRequest(server.test, request.id)).deviceSessions.find(
      (session) => session.device.id === missing.id,
    );
    expect(failed?.failureReason).toContain('not found');
  });
});
