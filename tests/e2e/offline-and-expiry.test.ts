// End to end: a group grant with Internet Access Required, one device losing its network through a
// TCP relay, suspension and re-application, the end of the window, and the Past table.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AgentProcess, disposeAgents } from '../agent/agent-process.js';
import { createTestGroup, createTestRequest, enrollTestDevice, uniqueName } from '../factories.js';
import {
  decide,
  type E2eServer,
  poll,
  readRequest,
  sessionStates,
  startE2eServer,
  TcpProxy,
  waitOnline,
} from './e2e-helpers.js';

let server: E2eServer;
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  server = await startE2eServer();
});

afterEach(async () => {
  await disposeAgents();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
});

afterAll(async () => {
  await server?.test.close();
});

async function startProxy(): Promise<TcpProxy> {
  const proxy = new TcpProxy(server.port);
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

const pastQuery = `query ($search: String) {
  pastRequests(search: $search, statuses: [COMPLETED], first: 5) {
    edges { node { id status deviceSessions { state device { id } } } }
  }
}`;

describe('sessions across outages and deadlines', { timeout: 180_000 }, () => {
  it('suspends an offline device, applies again, ends on time', async () => {
    const steady = await enrollTestDevice(server.test);
    const roaming = await enrollTestDevice(server.test);
    const groupId = await createTestGroup(server.test, [steady.id, roaming.id]);
    const proxy = await startProxy();
    const steadyAgent = await AgentProcess.start({ server: server.url, token: steady.agentToken });
    const roamingAgent = await AgentProcess.start({ server: proxy.url, token: roaming.agentToken });
    await waitOnline(server.test, steady);
    await waitOnline(server.test, roaming);

    const name = uniqueName('fleet-grant');
    const request = await createTestRequest(server.test, {
      name,
      userAccountName: 'hank',
      durationSeconds: 30,
      internetAccessRequired: true,
      deviceGroupIds: [groupId],
    });
    expect(request.status).toBe('ACTIVE');
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [steady.id]: 'APPLIED',
        [roaming.id]: 'APPLIED',
      });
    expect(await roamingAgent.elevatedAccounts()).toEqual(['hank']);

    // The roaming device loses its network: it lowers on its own, the server suspends its session.
    proxy.cut();
    await expect.poll(() => roamingAgent.elevatedAccounts(), poll).toEqual([]);
    // The state file is written before the log line arrives on stdout, so poll for the line too.
    await expect
      .poll(() => roamingAgent.hasLog('account lowered by the agent', { reason: 'offline' }), poll)
      .toBe(true);
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [steady.id]: 'APPLIED',
        [roaming.id]: 'SUSPENDED',
      });
    expect(await steadyAgent.elevatedAccounts()).toEqual(['hank']);

    // Back online inside the window: raised again for the rest of it.
    proxy.restore();
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [steady.id]: 'APPLIED',
        [roaming.id]: 'APPLIED',
      });
    expect(await roamingAgent.elevatedAccounts()).toEqual(['hank']);

    // The deadline lowers everything and the request moves to Past as COMPLETED.
    await expect
      .poll(() => steadyAgent.elevatedAccounts(), { ...poll, timeout: 60_000 })
      .toEqual([]);
    await expect.poll(() => roamingAgent.elevatedAccounts(), poll).toEqual([]);
    await expect
      .poll(async () => (await readRequest(server.test, request.id)).status, poll)
      .toBe('COMPLETED');
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [steady.id]: 'REMOVED',
        [roaming.id]: 'REMOVED',
      });
    const past = await server.test.gql<{
      pastRequests: {
        edges: {
          node: {
            id: string;
            status: string;
            deviceSessions: { state: string; device: { id: string } }[];
          };
        }[];
      };
    }>(pastQuery, { search: name });
    const row = past.data?.pastRequests.edges.find((edge) => edge.node.id === request.id)?.node;
    expect(row?.status).toBe('COMPLETED');
    expect(row?.deviceSessions.map((session) => [session.device.id, session.state]).sort()).toEqual(
      [
        [steady.id, 'REMOVED'],
        [roaming.id, 'REMOVED'],
      ].sort(),
    );
  });

  it('lowers on time while cut off from the server', async () => {
    const device = await enrollTestDevice(server.test);
    const proxy = await startProxy();
    const agent = await AgentProcess.start({ server: proxy.url, token: device.agentToken });
    await waitOnline(server.test, device);
    const request = await createTestRequest(server.test, {
      userAccountName: 'ivan',
      // Long enough for the agent to apply it first on a loaded machine.
      durationSeconds: 12,
      deviceIds: [device.id],
    });
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['ivan']);
    proxy.cut();

    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual([]);
    // The state file is written before the log line arrives on stdout, so poll for the line too.
    await expect
      .poll(() => agent.hasLog('account lowered by the agent', { reason: 'deadline' }), poll)
      .toBe(true);
    await expect
      .poll(async () => (await readRequest(server.test, request.id)).status, poll)
      .toBe('COMPLETED');

    // Once back, the agent acknowledges the server's lower command: the session is REMOVED.
    proxy.restore();
    await expect
      .poll(() => sessionStates(server.test, request.id), poll)
      .toEqual({
        [device.id]: 'REMOVED',
      });
  });

  it('pre-revoke keeps a scheduled session from starting', async () => {
    const device = await enrollTestDevice(server.test);
    const agent = await AgentProcess.start({ server: server.url, token: device.agentToken });
    await waitOnline(server.test, device);
    const startAt = Date.now() + 4_000;
    const request = await createTestRequest(server.test, {
      userAccountName: 'judy',
      durationType: 'SCHEDULED',
      scheduledStartAt: new Date(startAt).toISOString(),
      durationSeconds: 60,
      deviceIds: [device.id],
    });
    expect(request.status).toBe('SCHEDULED');
    expect(
      await decide(server.test, 'revokeJitRequest', {
        id: request.id,
        reasonByAdmin: 'not needed',
      }),
    ).toBe('PRE_REVOKED');
    // Past the planned start, nothing was applied.
    await new Promise((resolve) => setTimeout(resolve, startAt + 1_500 - Date.now()));
    const revoked = await readRequest(server.test, request.id);
    expect(revoked.status).toBe('PRE_REVOKED');
    expect(revoked.deviceSessions).toEqual([]);
    expect(agent.hasLog('account elevated')).toBe(false);
  });

  it('a scheduled session starts on time and is applied', async () => {
    const device = await enrollTestDevice(server.test);
    const agent = await AgentProcess.start({ server: server.url, token: device.agentToken });
    await waitOnline(server.test, device);
    const request = await createTestRequest(server.test, {
      userAccountName: 'kate',
      durationType: 'SCHEDULED',
      scheduledStartAt: new Date(Date.now() + 4_000).toISOString(),
      durationSeconds: 60,
      deviceIds: [device.id],
    });
    expect(request.status).toBe('SCHEDULED');
    await expect.poll(() => agent.elevatedAccounts(), poll).toEqual(['kate']);
    expect((await readRequest(server.test, request.id)).status).toBe('ACTIVE');
  });
});
