import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { closeCodes } from '../../src/agent-gateway/protocol.js';
import { createApp } from '../../src/app.js';
import { hashAgentToken } from '../../src/domain/devices/agent-token.js';
import { createLogger } from '../../src/logger.js';
import { enrollTestDevice } from '../factories.js';
import { createTestDatabase, startTestApp, type TestApp, testConfig } from '../helpers.js';
import { eventually, openAgent, type TestAgent } from './test-agent.js';

let test: TestApp;
let url: string;
const agents: TestAgent[] = [];

beforeAll(async () => {
  test = await startTestApp({ env: { AGENT_HEARTBEAT_INTERVAL_SECONDS: '1' } });
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

function findDevice(id: string) {
  return test.app.database.prisma.device.findUniqueOrThrow({ where: { id } });
}

describe('agent presence', () => {
  it('marks a device online on connect and offline on close', async () => {
    const device = await enrollTestDevice(test);
    expect((await findDevice(device.id)).online).toBe(false);
    const { agent, welcome } = await connect(device.agentToken);
    expect(welcome.heartbeatIntervalSeconds).toBe(1);

    const online = await eventually(async () => {
      const row = await findDevice(device.id);
      return row.online ? row : null;
    }, 'device online');
    expect(online.lastSeenAt).not.toBeNull();

    await agent.close();
    const offline = await eventually(async () => {
      const row = await findDevice(device.id);
      return row.online ? null : row;
    }, 'device offline');
    expect(offline.lastSeenAt!.getTime()).toBeGreaterThanOrEqual(online.lastSeenAt!.getTime());
  });

  it('answers heartbeats and advances lastSeenAt in batches', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    const first = await eventually(async () => (await findDevice(device.id)).lastSeenAt, 'seen');

    agent.send({ v: 1, type: 'agent.heartbeat' });
    const ack = await agent.next('server.heartbeat-ack');
    expect(Number.isNaN(Date.parse(ack.serverTime))).toBe(false);
    const later = await eventually(async () => {
      agent.send({ v: 1, type: 'agent.heartbeat' });
      const seen = (await findDevice(device.id)).lastSeenAt;
      return seen && seen.getTime() > first.getTime() ? seen : null;
    }, 'lastSeenAt advanced');
    expect(later.getTime()).toBeGreaterThan(first.getTime());
    expect((await findDevice(device.id)).online).toBe(true);
  });

  it('closes a silent connection after three heartbeat intervals', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await connect(device.agentToken);
    const closed = await agent.closed;
    expect(closed.code).toBe(closeCodes.heartbeatTimeout);
    await eventually(async () => !(await findDevice(device.id)).online, 'device offline');
  });

  it('keeps a device online when a new connection replaces the old one', async () => {
    const device = await enrollTestDevice(test);
    const first = await connect(device.agentToken);
    await eventually(async () => (await findDevice(device.id)).online, 'device online');
    const second = await connect(device.agentToken);
    expect((await first.agent.closed).code).toBe(closeCodes.replaced);
    second.agent.send({ v: 1, type: 'agent.heartbeat' });
    await second.agent.next('server.heartbeat-ack');
    // Give a wrongly queued offline write a flush to land before checking.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await findDevice(device.id)).online).toBe(true);
  });
});

describe('gateway shutdown', () => {
  it('closes agents with 1001 and marks their devices offline', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-gateway-shutdown-'));
    const config = testConfig(dataDir);
    const app = await createApp({
      config,
      log: createLogger(config.log.level),
      databaseUrl: database.url,
    });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { url: appUrl } = await app.listen();
      const token = 'jitd_shutdown-test-token';
      const { id } = await app.domain.prisma.device.create({
        data: { name: 'shutdown-mac', platform: 'macos', tokenHash: hashAgentToken(token) },
      });
      const { agent } = await openAgent(appUrl, token);
      const readOnline = async () =>
        (await client.query('SELECT online FROM "Device" WHERE id = $1', [id])).rows[0]
          .online as boolean;
      await eventually(readOnline, 'device online');

      await app.close();
      expect((await agent.closed).code).toBe(1001);
      expect(await readOnline()).toBe(false);
    } finally {
      await client.end();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
