// Two server processes on one database and one Redis, as two replicas behind a load balancer.
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { RequestChange } from '../../src/domain/context.js';
import { signConsoleToken } from '../../src/tokens.js';
import { openAgent, type TestAgent } from '../agent-gateway/test-agent.js';
import { uniqueName } from '../factories.js';
import { createTestDatabase, type TestDatabase, testJwtSecret } from '../helpers.js';
import { eventually } from '../agent-gateway/test-agent.js';
import { connectConsole, type WsConsole } from '../subscriptions/console-client.js';
import { nextMatchingRequest, waitForProbe } from '../subscriptions/live-app.js';
import { isRedisReachable, testRedisUrl } from './redis-server.js';
import { type Replica, startReplica } from './replica-process.js';

const redisAvailable = await isRedisReachable();
if (!redisAvailable) {
  console.log(`Two-replica tests skipped: no Redis responds at ${testRedisUrl}.`);
}
// Each run gets its own channels, so parallel runs on one Redis never see each other's events.
const channelPrefix = `jit-test-${randomBytes(6).toString('hex')}`;

let database: TestDatabase;
let redis: Redis;
let replicaA: Replica;
let replicaB: Replica;
let probeRequestId: string;
const consoles: WsConsole[] = [];
const agents: TestAgent[] = [];

async function gql(replica: Replica, query: string, variables: Record<string, unknown> = {}) {
  const token = await signConsoleToken(testJwtSecret, { sub: 'admin-user', role: 'admin' });
  const response = await fetch(`${replica.httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  if (result.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function enrollDevice(replica: Replica) {
  const data = await gql(
    replica,
    `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { agentToken device { id } } }`,
    { input: { name: uniqueName('mac'), platform: 'macos' } },
  );
  return {
    id: data.enrollDevice.device.id as string,
    token: data.enrollDevice.agentToken as string,
  };
}

async function createRequest(replica: Replica, input: Record<string, unknown>): Promise<string> {
  const data = await gql(
    replica,
    `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id } }`,
    {
      input: {
        name: uniqueName('request'),
        userAccountName: 'alice',
        durationType: 'FIXED',
        durationSeconds: 600,
        ...input,
      },
    },
  );
  return data.createJitRequest.id;
}

async function openConsoleOn(replica: Replica, query: string) {
  const token = await signConsoleToken(testJwtSecret, { sub: 'auditor-user', role: 'auditor' });
  const console = connectConsole(replica.wsUrl, token);
  consoles.push(console);
  return console.subscribe(query);
}

/** Publishes a probe change straight on Redis, as a replica's event bus would. */
async function publishProbe(change: Partial<RequestChange> = {}) {
  const probe: RequestChange = {
    action: 'PROBE',
    requestId: probeRequestId,
    status: 'ACTIVE',
    ...change,
  };
  await redis.publish(`${channelPrefix}:request-changed`, JSON.stringify(probe));
}

async function connectAgent(replica: Replica, token: string) {
  const opened = await openAgent(replica.httpUrl, token);
  agents.push(opened.agent);
  return opened;
}

async function raiseFrom(agent: TestAgent, fields: Record<string, unknown> = {}) {
  const id = `raise-${randomBytes(4).toString('hex')}`;
  agent.send({
    v: 1,
    type: 'agent.raise',
    id,
    userAccountName: 'alice',
    durationSeconds: 600,
    reason: 'install the printer driver',
    ...fields,
  });
  const result = await agent.next('server.raise-result', (message) => message.replyTo === id);
  if (!result.ok) throw new Error(`raise failed: ${JSON.stringify(result.error)}`);
  return result.requestId;
}

const approve = `mutation ($id: ID!) { approveJitRequest(input: { id: $id }) { id status } }`;

describe.skipIf(!redisAvailable)('two replicas (needs Redis)', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      REDIS_CHANNEL_PREFIX: channelPrefix,
      JWT_SECRET: testJwtSecret,
      JIT_MIN_DURATION_SECONDS: '1',
      JOBS_PROCESS_EVERY_MS: '500',
    };
    [replicaA, replicaB] = await Promise.all([startReplica('a', env), startReplica('b', env)]);
    const device = await enrollDevice(replicaA);
    probeRequestId = await createRequest(replicaA, { deviceIds: [device.id] });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(consoles.splice(0).map((console) => console.close()));
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  afterAll(async () => {
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    redis?.disconnect();
    await database?.drop();
  });

  it('shows a console on B a request raised on A', async () => {
    const device = await enrollDevice(replicaA);
    const { agent } = await connectAgent(replicaA, device.token);
    const raised = await openConsoleOn(
      replicaB,
      'subscription { jitRequestRaised { id status requestedBy } }',
    );
    await waitForProbe(raised.results, probeRequestId, () => publishProbe({ raisedByUser: true }));

    const requestId = await raiseFrom(agent);
    const result = await nextMatchingRequest(raised.results, requestId);
    expect(result.data?.jitRequestRaised).toEqual({
      id: requestId,
      status: 'PENDING',
      requestedBy: 'alice',
    });
  });

  it('brings an approval on A to an agent on B', async () => {
    const device = await enrollDevice(replicaA);
    const { agent } = await connectAgent(replicaB, device.token);
    const requestId = await raiseFrom(agent);

    await gql(replicaA, approve, { id: requestId });
    const state = await agent.next('server.desired-state', (message) =>
      message.sessions.some((session) => session.requestId === requestId),
    );
    const session = state.sessions.find((entry) => entry.requestId === requestId)!;
    agent.send({ v: 1, type: 'agent.ack', commandId: session.commandId, result: 'applied' });
    await agent.next('server.ack-received', (message) => message.commandId === session.commandId);

    const data = await gql(
      replicaB,
      `query ($id: ID!) { jitRequest(id: $id) { deviceSessions { state } } }`,
      {
        id: requestId,
      },
    );
    expect(data.jitRequest.deviceSessions).toEqual([{ state: 'APPLIED' }]);
  });

  it('runs each scheduled transition once', async () => {
    const device = await enrollDevice(replicaA);
    // Far enough ahead for both consoles to subscribe first on a loaded machine.
    const startAt = new Date(Date.now() + 4_000);
    const query = `subscription ($ids: [ID!]) { jitRequestChanged(ids: $ids) { action request { id status } } }`;
    const requestId = await createRequest(replicaA, {
      deviceIds: [device.id],
      durationType: 'SCHEDULED',
      scheduledStartAt: startAt.toISOString(),
      durationSeconds: 1,
    });
    const watchers = await Promise.all(
      [replicaA, replicaB].map(async (replica) => {
        const token = await signConsoleToken(testJwtSecret, {
          sub: 'auditor-user',
          role: 'auditor',
        });
        const console = connectConsole(replica.wsUrl, token);
        consoles.push(console);
        const { results } = console.subscribe(query, { ids: [requestId, probeRequestId] });
        await waitForProbe(results, probeRequestId, () => publishProbe());
        return results;
      }),
    );

    await eventually(
      async () => {
        const data = await gql(replicaB, `query ($id: ID!) { jitRequest(id: $id) { status } }`, {
          id: requestId,
        });
        return !['SCHEDULED', 'ACTIVE'].includes(data.jitRequest.status);
      },
      'the request to end',
      30_000,
    );

    const data = await gql(
      replicaA,
      `query ($id: ID!) { jitRequest(id: $id) { status auditTrail { action } } }`,
      {
        id: requestId,
      },
    );
    expect(data.jitRequest.status).toBe('EXPIRED');
    expect(data.jitRequest.auditTrail.map((event: { action: string }) => event.action)).toEqual([
      'request.created',
      'request.started',
      'request.ended',
    ]);
    for (const results of watchers) {
      await publishProbe({ action: 'MARKER' });
      const actions: string[] = [];
      for (;;) {
        const result = await results.next();
        const change = result?.data?.jitRequestChanged;
        if (!change) throw new Error(`unexpected result ${JSON.stringify(result)}`);
        if (change.action === 'MARKER') break;
        if (change.request.id === requestId) actions.push(change.action);
      }
      expect(actions).toEqual(['STARTED', 'EXPIRED']);
    }
  });

  it('loses no command when a replica is killed', async () => {
    const first = await enrollDevice(replicaA);
    const second = await enrollDevice(replicaA);
    const firstAgent = (await connectAgent(replicaB, first.token)).agent;
    const secondAgent = (await connectAgent(replicaB, second.token)).agent;
    const firstRequest = await raiseFrom(firstAgent);
    const secondRequest = await raiseFrom(secondAgent);

    // The first command reaches its agent on B, which is killed before the agent acknowledges it.
    await gql(replicaA, approve, { id: firstRequest });
    const delivered = await firstAgent.next('server.desired-state', (message) =>
      message.sessions.some((session) => session.requestId === firstRequest),
    );
    const commandId = delivered.sessions.find(
      (entry) => entry.requestId === firstRequest,
    )!.commandId;
    await replicaB.stop('SIGKILL');
    await Promise.all([firstAgent.closed, secondAgent.closed]);

    // The second approval happens while the agent is connected to no replica.
    await gql(replicaA, approve, { id: secondRequest });

    const firstAgain = (await connectAgent(replicaA, first.token)).state;
    const resent = firstAgain.sessions.find((entry) => entry.requestId === firstRequest);
    expect(resent?.commandId).toBe(commandId);
    const secondAgain = (await connectAgent(replicaA, second.token)).state;
    expect(secondAgain.sessions.map((entry) => entry.requestId)).toEqual([secondRequest]);
  });
});
