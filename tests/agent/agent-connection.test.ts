// The agent as a child process against a scripted gateway: protocol conformance, reconnects,
// deadlines and offline lowering without the server, close codes, and the raise command.
import { afterEach, describe, expect, it } from 'vitest';

import type { DesiredSession } from '../../src/agent-gateway/protocol.js';
import { AgentProcess, disposeAgents, runAgentCli } from './agent-process.js';
import { FakeGateway } from './fake-gateway.js';

const token = 'jitd_fake-token-for-agent-tests';
const gateways: FakeGateway[] = [];
const poll = { timeout: 15_000, interval: 50 };

afterEach(async () => {
  await disposeAgents();
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

async function startGateway(options: Partial<ConstructorParameters<typeof FakeGateway>[0]> = {}) {
  const gateway = new FakeGateway({ token, heartbeatIntervalSeconds: 1, ...options });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

let counter = 0;
function session(overrides: Partial<DesiredSession> = {}): DesiredSession {
  counter += 1;
  return {
    commandId: `cmd_${counter}`,
    deviceSessionId: `ses_${counter}`,
    requestId: `req_${counter}`,
    userAccountName: 'alice',
    remainingSeconds: 600,
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    internetAccessRequired: false,
    offlineRevokeAfterSeconds: 300,
    ...overrides,
  };
}

function acksOf(gateway: FakeGateway, commandId: string) {
  return gateway.messagesOf('agent.ack').filter((ack) => ack.commandId === commandId);
}

describe('agent run', () => {
  it('applies, acknowledges, reports and sends heartbeats', async () => {
    const gateway = await startGateway();
    const grant = session();
    gateway.sessions = [grant];
    const agent = await AgentProcess.start({ server: gateway.url, token });

    await expect.poll(() => acksOf(gateway, grant.commandId).length, poll).toBe(1);
    expect(acksOf(gateway, grant.commandId)[0]?.result).toBe('applied');
    expect(await agent.elevatedAccounts()).toEqual(['alice']);
    expect(gateway.messagesOf('agent.hello')[0]?.agentVersion).toBeTruthy();
    await expect
      .poll(() => gateway.messagesOf('agent.state').at(-1)?.elevatedAccounts, poll)
      .toEqual(['alice']);
    await expect.poll(() => gateway.messagesOf('agent.heartbeat').length, poll).toBeGreaterThan(1);
    expect(gateway.messagesOf('agent.heartbeat').at(-1)?.elevatedAccounts).toEqual(['alice']);

    gateway.sessions = [];
    gateway.lower = [
      {
        commandId: 'cmd_lower',
        deviceSessionId: grant.deviceSessionId,
        requestId: grant.requestId,
        userAccountName: 'alice',
        reason: 'revoked',
      },
    ];
    gateway.pushDesiredState();
    await expect.poll(() => acksOf(gateway, 'cmd_lower')[0]?.result, poll).toBe('lowered');
    expect(await agent.elevatedAccounts()).toEqual([]);
    expect(gateway.invalid).toEqual([]);
  });

  it('acknowledges a command once it is confirmed', async () => {
    const gateway = await startGateway();
    const grant = session();
    gateway.sessions = [grant];
    await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => acksOf(gateway, grant.commandId).length, poll).toBe(1);
    gateway.pushDesiredState();
    gateway.pushDesiredState();
    // A later message shows the agent has handled both desired states.
    const heartbeats = gateway.messagesOf('agent.heartbeat').length;
    await expect
      .poll(() => gateway.messagesOf('agent.heartbeat').length, poll)
      .toBeGreaterThan(heartbeats);
    expect(acksOf(gateway, grant.commandId)).toHaveLength(1);
  });

  it('acknowledges again when no confirmation came', async () => {
    const gateway = await startGateway({ confirmAcks: false });
    const grant = session();
    gateway.sessions = [grant];
    await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => acksOf(gateway, grant.commandId).length, poll).toBe(1);
    // Past the retry pause, the next desired state gets a second ack.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    gateway.pushDesiredState();
    await expect.poll(() => acksOf(gateway, grant.commandId).length, poll).toBe(2);
  });

  it('reports an account that does not exist', async () => {
    const gateway = await startGateway();
    const grant = session({ userAccountName: 'ghost' });
    gateway.sessions = [grant];
    await AgentProcess.start({
      server: gateway.url,
      token,
      args: ['--simulate-missing-accounts', 'ghost'],
    });
    await expect
      .poll(() => acksOf(gateway, grant.commandId)[0]?.result, poll)
      .toBe('account-not-found');
  });

  it('reconnects after the server goes away', async () => {
    const gateway = await startGateway();
    await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => gateway.connections, poll).toBe(1);
    await gateway.stop();
    await gateway.start();
    await expect.poll(() => gateway.connections, poll).toBe(2);
    gateway.closeAll(1001);
    await expect.poll(() => gateway.connections, poll).toBe(3);
  });

  it('lowers at the deadline without the server', async () => {
    const gateway = await startGateway();
    const grant = session({ remainingSeconds: 3 });
    gateway.sessions = [grant];
    const agent = await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['alice']);
    await gateway.stop();

    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual([]);
    // The state file is written before the log line arrives on stdout, so poll for the line too.
    await expect
      .poll(() => agent.hasLog('account lowered by the agent', { reason: 'deadline' }), poll)
      .toBe(true);

    // Back online, the agent acknowledges the server's lower command with how long ago it lowered.
    gateway.sessions = [];
    gateway.lower = [
      {
        commandId: 'cmd_end',
        deviceSessionId: grant.deviceSessionId,
        requestId: grant.requestId,
        userAccountName: 'alice',
        reason: 'ended',
      },
    ];
    await gateway.start();
    await expect.poll(() => acksOf(gateway, 'cmd_end')[0]?.result, poll).toBe('lowered');
    expect(acksOf(gateway, 'cmd_end')[0]?.loweredSecondsAgo).toBeGreaterThanOrEqual(0);
  });

  it('suspends an Internet-Access-Required session offline and applies it again', async () => {
    const gateway = await startGateway();
    const grant = session({ internetAccessRequired: true, offlineRevokeAfterSeconds: 2 });
    const plain = session({ userAccountName: 'bob' });
    gateway.sessions = [grant, plain];
    const agent = await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['alice', 'bob']);

    await gateway.stop();
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['bob']);
    // The state file is written before the log line arrives on stdout, so poll for the line too.
    await expect
      .poll(() => agent.hasLog('account lowered by the agent', { reason: 'offline' }), poll)
      .toBe(true);

    const again = { ...grant, commandId: 'cmd_again', remainingSeconds: 500 };
    gateway.sessions = [again, plain];
    await gateway.start();
    await expect.poll(() => acksOf(gateway, 'cmd_again')[0]?.result, poll).toBe('applied');
    expect(await agent.elevatedAccounts()).toEqual(['alice', 'bob']);
  });

  it('keeps deadlines across a restart', async () => {
    const gateway = await startGateway();
    gateway.sessions = [session({ remainingSeconds: 4 })];
    const first = await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => first.elevatedAccounts(), poll).toEqual(['alice']);
    await gateway.stop();
    await first.stop('SIGKILL');

    const second = await AgentProcess.start({
      server: gateway.url,
      token,
      stateDir: first.stateDir,
    });
    await expect.poll(() => second.hasLog('state restored'), poll).toBe(true);
    await expect.poll(() => second.elevatedAccounts(), poll).toEqual([]);
    // The state file is written before the log line arrives on stdout, so poll for the line too.
    await expect
      .poll(() => second.hasLog('account lowered by the agent', { reason: 'deadline' }), poll)
      .toBe(true);
  });

  it('exits cleanly on SIGTERM', async () => {
    const gateway = await startGateway();
    const agent = await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => gateway.connections, poll).toBe(1);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(agent.hasLog('agent stopped')).toBe(true);
  });

  it('stops and lowers when the token is revoked', async () => {
    const gateway = await startGateway();
    gateway.sessions = [session()];
    const agent = await AgentProcess.start({ server: gateway.url, token });
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['alice']);
    gateway.closeAll(4001);
    expect((await agent.exited).code).toBe(1);
    expect(await agent.elevatedAccounts()).toEqual([]);
  });

  it('stops when the token is rejected', async () => {
    const gateway = await startGateway();
    const agent = await AgentProcess.start({ server: gateway.url, token: 'jitd_wrong' });
    expect((await agent.exited).code).toBe(1);
    expect(agent.hasLog('The server rejected the agent token (HTTP 401).')).toBe(true);
  });
});

describe('agent raise and extend', () => {
  it('prints only the request id', async () => {
    const gateway = await startGateway();
    const result = await runAgentCli([
      'raise',
      '--server',
      gateway.url,
      '--token',
      token,
      '--user',
      'alice',
      '--duration',
      '900',
      '--reason',
      'install a printer driver',
      '--name',
      'printer',
      '--start',
      '2030-01-31T09:00:00+01:00',
    ]);
    expect(result).toEqual({ code: 0, stdout: 'req_fake\n', stderr: '' });
    const [raise] = gateway.messagesOf('agent.raise');
    expect(raise).toMatchObject({
      userAccountName: 'alice',
      durationSeconds: 900,
      reason: 'install a printer driver',
      name: 'printer',
      scheduledStartAt: '2030-01-31T08:00:00.000Z',
    });
  });

  it('prints the error code on failure', async () => {
    const gateway = await startGateway({
      onRequest: (message) => ({
        v: 1,
        type: 'server.raise-result',
        replyTo: message.id,
        ok: false,
        error: { code: 'DAILY_LIMIT_REACHED', message: 'alice raised 3 requests today.' },
      }),
    });
    const result = await runAgentCli(
      ['raise', '--server', gateway.url, '--token', token, '--user', 'alice'].concat([
        '--duration',
        '60',
        '--reason',
        'again',
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('DAILY_LIMIT_REACHED: alice raised 3 requests today.\n');
  });

  it('sends an extension request', async () => {
    const gateway = await startGateway({
      onRequest: (message) => ({
        v: 1,
        type: 'server.extension-result',
        replyTo: message.id,
        ok: true,
        requestId: 'req_extended',
      }),
    });
    const result = await runAgentCli(
      ['extend', '--server', gateway.url, '--token', token, '--request', 'req_extended'].concat([
        '--seconds',
        '600',
        '--reason',
        'still compiling',
      ]),
    );
    expect(result).toEqual({ code: 0, stdout: 'req_extended\n', stderr: '' });
    expect(gateway.messagesOf('agent.request-extension')[0]).toMatchObject({
      requestId: 'req_extended',
      additionalSeconds: 600,
    });
  });

  it('rejects bad arguments before connecting', async () => {
    const result = await runAgentCli(
      ['raise', '--server', 'http://127.0.0.1:9', '--token', token, '--user', 'alice'].concat([
        '--duration',
        'soon',
        '--reason',
        'x',
      ]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--duration must be a positive whole number');
  });

  it('reports a server that cannot be reached', async () => {
    const gateway = await startGateway();
    const url = gateway.url;
    await gateway.stop();
    const result = await runAgentCli(
      ['raise', '--server', url, '--token', token, '--user', 'alice'].concat([
        '--duration',
        '60',
        '--reason',
        'x',
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^CONNECTION_FAILED: /);
  });
});
