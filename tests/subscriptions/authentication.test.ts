import { CloseCode } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { closeCodeOf, connectConsole, rawConnectionInit, subscribeSse } from './console-client.js';
import {
  type LiveTestApp,
  refersTo,
  signToken,
  startLiveTestApp,
  waitUntilLive,
} from './live-app.js';

let test: LiveTestApp;
const sockets: WebSocket[] = [];
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  test = await startLiveTestApp();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

afterAll(async () => {
  await test?.close();
});

async function connectionInit(payload: Record<string, unknown> | undefined) {
  const answer = await rawConnectionInit(test.wsUrl, payload);
  sockets.push(answer.socket);
  return answer;
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('graphql-ws connection_init', () => {
  it('acknowledges every console role', async () => {
    for (const role of ['admin', 'approver', 'auditor'] as const) {
      const token = await test.tokenFor(role);
      const answer = await connectionInit({ authorization: `Bearer ${token}` });
      expect(answer.message?.type, role).toBe('connection_ack');
    }
  });

  it('closes with 4403 without a valid token', async () => {
    const cases: [string, Record<string, unknown> | undefined][] = [
      ['no payload', undefined],
      ['no authorization', {}],
      ['not a JWT', { authorization: 'Bearer not-a-token' }],
      [
        'wrong signature',
        {
          authorization: `Bearer ${await signToken({ sub: 'eve', role: 'admin' }, { secret: 'x'.repeat(40) })}`,
        },
      ],
      [
        'expired',
        {
          authorization: `Bearer ${await signToken({ sub: 'al', role: 'admin' }, { expiresAt: inSeconds(-60) })}`,
        },
      ],
      [
        'unknown role',
        {
          authorization: `Bearer ${await signToken({ sub: 'al', role: 'root' }, { expiresAt: inSeconds(60) })}`,
        },
      ],
      [
        'no sub',
        {
          authorization: `Bearer ${await signToken({ role: 'admin' }, { expiresAt: inSeconds(60) })}`,
        },
      ],
    ];
    for (const [name, payload] of cases) {
      const answer = await connectionInit(payload);
      expect(answer.message, name).toBeUndefined();
      expect(answer.closeCode, name).toBe(CloseCode.Forbidden);
    }
  });

  it('closes with 4401 when subscribing before connection_init', async () => {
    const socket = new WebSocket(test.wsUrl, 'graphql-transport-ws');
    sockets.push(socket);
    const closed = closeCodeOf(socket);
    socket.once('open', () => {
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription { jitRequestRaised { id } }' },
        }),
      );
    });
    expect(await closed).toBe(CloseCode.Unauthorized);
  });

  it('closes with 4403 when the token expires', async () => {
    const token = await signToken({ sub: 'short', role: 'auditor' }, { expiresAt: inSeconds(2) });
    const answer = await connectionInit({ authorization: `Bearer ${token}` });
    expect(answer.message?.type).toBe('connection_ack');
    expect(await closeCodeOf(answer.socket, 10_000)).toBe(CloseCode.Forbidden);
  });
});

describe('graphql-ws operations', () => {
  it('rejects queries and mutations', async () => {
    const console = connectConsole(test.wsUrl, await test.tokenFor('admin'));
    cleanups.push(() => console.close());
    for (const query of [
      '{ deviceGroups { id } }',
      'mutation { createDeviceGroup(input: { name: "over-ws" }) { id } }',
      '{ __schema { types { name } } }',
    ]) {
      const { results } = console.subscribe(query);
      expect(await results.next()).toBeNull();
      const errors = results.error as { message: string }[];
      expect(errors[0]?.message, query).toMatch(/Only subscriptions are accepted over WebSocket/);
    }
    const groups = await test.gql(`{ deviceGroups { name } }`);
    expect(groups.data?.deviceGroups).not.toContainEqual({ name: 'over-ws' });
  });
});

describe('SSE subscriptions', () => {
  it('delivers changes to a token holder', async () => {
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    const sse = await subscribeSse(
      test.httpUrl,
      await test.tokenFor('auditor'),
      'subscription ($ids: [ID!]) { jitRequestChanged(ids: $ids) { action request { id status } } }',
      { ids: [request.id, test.probeRequestId] },
    );
    cleanups.push(() => sse.close());
    expect(sse.status).toBe(200);
    await waitUntilLive(test, sse.results);

    await test.gql(`mutation ($id: ID!) { revokeJitRequest(input: { id: $id }) { id } }`, {
      id: request.id,
    });
    const result = await sse.results.nextMatching((r) => !refersTo(r, test.probeRequestId));
    expect(result.data?.jitRequestChanged).toEqual({
      action: 'REVOKED',
      request: { id: request.id, status: 'REVOKED' },
    });
  });

  it('rejects a request without a token', async () => {
    const sse = await subscribeSse(test.httpUrl, null, 'subscription { jitRequestRaised { id } }');
    cleanups.push(() => sse.close());
    expect(sse.status).toBe(401);
    const result = await sse.results.next();
    expect(result?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('ends with UNAUTHENTICATED when the token expires', async () => {
    const token = await signToken({ sub: 'short', role: 'auditor' }, { expiresAt: inSeconds(2) });
    const sse = await subscribeSse(test.httpUrl, token, 'subscription { jitRequestRaised { id } }');
    cleanups.push(() => sse.close());
    expect(sse.status).toBe(200);

    const result = await sse.results.next(10_000);
    expect(result?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result?.errors?.[0]?.message).toMatch(/expired/);
    expect(await sse.results.next()).toBeNull();
    expect(sse.results.error).toBeNull();
  });
});
