import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { closeCodes } from '../../src/agent-gateway/protocol.js';
import { enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { openAgent, TestAgent, UpgradeRejected } from './test-agent.js';

let test: TestApp;
let url: string;
const agents: TestAgent[] = [];

beforeAll(async () => {
  test = await startTestApp({
    env: {
      AGENT_RATE_LIMIT_MESSAGES: '20',
      AGENT_RATE_LIMIT_WINDOW_SECONDS: '2',
      AGENT_MAX_MESSAGE_BYTES: '4096',
      AGENT_TOKEN_CHECK_INTERVAL_SECONDS: '1',
    },
  });
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

async function upgradeStatus(token: string | null): Promise<number> {
  try {
    const agent = await TestAgent.connect(url, token);
    agents.push(agent);
    return 101;
  } catch (error) {
    if (error instanceof UpgradeRejected) return error.status;
    throw error;
  }
}

describe('agent authentication', () => {
  it('accepts the enrolled token', async () => {
    const device = await enrollTestDevice(test);
    const { welcome, settings, state } = await connect(device.agentToken);
    expect(welcome.deviceId).toBe(device.id);
    expect(welcome.deviceName).toBe(device.name);
    expect(welcome.offlineRevokeAfterSeconds).toBe(300);
    expect(welcome.maxMessageBytes).toBe(4096);
    expect(settings.settings).toEqual({
      dailyRequestLimit: 3,
      jitSectionVisible: true,
      requestSubmissionEnabled: true,
    });
    expect(state.sessions).toEqual([]);
    expect(state.lower).toEqual([]);
  });

  it('rejects missing and unknown tokens with 401', async () => {
    expect(await upgradeStatus(null)).toBe(401);
    expect(await upgradeStatus('jitd_not-a-real-token')).toBe(401);
  });

  it('rejects a revoked token with 401', async () => {
    const device = await enrollTestDevice(test);
    const revoked = await test.gql(
      `mutation ($id: ID!) { revokeAgentToken(input: { deviceId: $id }) { id } }`,
      { id: device.id },
    );
    expect(revoked.errors).toBeUndefined();
    expect(await upgradeStatus(device.agentToken)).toBe(401);
  });

  it('closes a live connection when its token is revoked', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    await test.gql(`mutation ($id: ID!) { revokeAgentToken(input: { deviceId: $id }) { id } }`, {
      id: device.id,
    });
    const closed = await agent.closed;
    expect(closed.code).toBe(closeCodes.tokenRevoked);
  });

  it('closes a live connection when its token is rotated', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    const rotated = await test.gql<{ rotateAgentToken: { agentToken: string } }>(
      `mutation ($id: ID!) { rotateAgentToken(input: { deviceId: $id }) { agentToken } }`,
      { id: device.id },
    );
    const closed = await agent.closed;
    expect(closed.code).toBe(closeCodes.tokenRevoked);
    expect(await upgradeStatus(device.agentToken)).toBe(401);
    const { welcome } = await connect(rotated.data!.rotateAgentToken.agentToken);
    expect(welcome.deviceId).toBe(device.id);
  });

  it('replaces an older connection of the same device', async () => {
    const device = await enrollTestDevice(test);
    const first = await connect(device.agentToken);
    const second = await connect(device.agentToken);
    expect((await first.agent.closed).code).toBe(closeCodes.replaced);
    second.agent.send({ v: 1, type: 'agent.heartbeat' });
    await second.agent.next('server.heartbeat-ack');
  });
});

describe('agent message validation', () => {
  it('answers malformed frames with errors and keeps the connection', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    const cases: { frame: string | Buffer; binary?: boolean; code: string; field?: string }[] = [
      { frame: 'not json', code: 'MALFORMED_MESSAGE' },
      { frame: '[1,2]', code: 'MALFORMED_MESSAGE' },
      { frame: JSON.stringify({ type: 'agent.heartbeat' }), code: 'MALFORMED_MESSAGE', field: 'v' },
      {
        frame: JSON.stringify({ v: 2, type: 'agent.heartbeat' }),
        code: 'UNSUPPORTED_VERSION',
        field: 'v',
      },
      {
        frame: JSON.stringify({ v: 1, type: 'agent.teleport' }),
        code: 'UNKNOWN_MESSAGE_TYPE',
        field: 'type',
      },
      {
        frame: JSON.stringify({ v: 1, type: 'agent.ack', commandId: 'cmd_x', result: 'maybe' }),
        code: 'MALFORMED_MESSAGE',
        field: 'result',
      },
      {
        frame: JSON.stringify({ v: 1, type: 'agent.raise', id: 'r1', userAccountName: 'alice' }),
        code: 'MALFORMED_MESSAGE',
        field: 'durationSeconds',
      },
      {
        frame: JSON.stringify({
          v: 1,
          type: 'agent.ack',
          commandId: 'cmd_\u0000',
          result: 'applied',
        }),
        code: 'MALFORMED_MESSAGE',
        field: 'commandId',
      },
      { frame: Buffer.from([1, 2, 3]), binary: true, code: 'MALFORMED_MESSAGE' },
    ];
    for (const { frame, binary, code, field } of cases) {
      agent.sendRaw(frame, binary);
      const error = await agent.next('server.error');
      expect(error.code, String(frame)).toBe(code);
      expect(error.field, String(frame)).toBe(field);
    }
    agent.send({ v: 1, type: 'agent.heartbeat' });
    await agent.next('server.heartbeat-ack');
  });

  it('echoes the id of a rejected request', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    agent.send({ v: 1, type: 'agent.raise', id: 'r-42', userAccountName: 'alice' });
    const error = await agent.next('server.error');
    expect(error.replyTo).toBe('r-42');
    expect(error.messageType).toBe('agent.raise');
  });

  it('rejects an ack for a command of another device', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    agent.send({ v: 1, type: 'agent.ack', commandId: 'cmd_unknown', result: 'applied' });
    const error = await agent.next('server.error');
    expect(error.code).toBe('NOT_FOUND');
    expect(error.messageType).toBe('agent.ack');
  });

  it('keeps other devices working while one sends garbage', async () => {
    const noisy = await connect((await enrollTestDevice(test)).agentToken);
    const quiet = await connect((await enrollTestDevice(test)).agentToken);
    for (let i = 0; i < 5; i += 1) noisy.agent.sendRaw('{"v":1,"type":');
    quiet.agent.send({ v: 1, type: 'agent.heartbeat' });
    await quiet.agent.next('server.heartbeat-ack');
    await noisy.agent.next('server.error');
  });

  it('closes the socket on a message over the size limit', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    agent.send({ v: 1, type: 'agent.hello', agentVersion: 'x'.repeat(5000) });
    expect((await agent.closed).code).toBe(1009);
  });

  it('rate limits a flooding connection with one error per window', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    for (let i = 0; i < 30; i += 1) agent.send({ v: 1, type: 'agent.heartbeat' });
    const error = await agent.next('server.error');
    expect(error.code).toBe('RATE_LIMITED');
    for (let i = 0; i < 20; i += 1) await agent.next('server.heartbeat-ack');
    await expect(agent.next('server.heartbeat-ack', () => true, 300)).rejects.toThrow(/timed out/);
    await expect(agent.next('server.error', () => true, 300)).rejects.toThrow(/timed out/);

    // A later window accepts messages again.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    agent.send({ v: 1, type: 'agent.heartbeat' });
    await agent.next('server.heartbeat-ack');
  });
});
