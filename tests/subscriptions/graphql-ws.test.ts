import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { openAgent } from '../agent-gateway/test-agent.js';
import { createTestRequest, enrollTestDevice } from '../factories.js';
import { connectConsole, type WsConsole } from './console-client.js';
import {
  type LiveTestApp,
  nextReal,
  resultsBeforeMarker,
  startLiveTestApp,
  waitUntilLive,
} from './live-app.js';

let test: LiveTestApp;
let deviceId: string;
const consoles: WsConsole[] = [];

beforeAll(async () => {
  test = await startLiveTestApp();
  deviceId = (await enrollTestDevice(test)).id;
});

afterEach(async () => {
  await Promise.all(consoles.splice(0).map((console) => console.close()));
});

afterAll(async () => {
  await test?.close();
});

async function openConsole(role: 'admin' | 'approver' | 'auditor' = 'auditor') {
  const console = connectConsole(test.wsUrl, await test.tokenFor(role));
  consoles.push(console);
  return console;
}

const changed = `subscription ($tabs: [LiveTab!], $ids: [ID!]) {
  jitRequestChanged(tabs: $tabs, ids: $ids) {
    action
    request { id status expiresAt reasonByAdmin extensionSeconds auditTrail { action } }
  }
}`;

const extend = `mutation ($id: ID!, $seconds: Int!) {
  extendJitRequest(input: { id: $id, additionalSeconds: $seconds }) { id }
}`;
const revoke = `mutation ($id: ID!, $reason: String) {
  revokeJitRequest(input: { id: $id, reasonByAdmin: $reason }) { id }
}`;

describe('jitRequestChanged over graphql-ws', () => {
  it('reads the request fresh for every event', async () => {
    const request = await createTestRequest(test, { deviceIds: [deviceId] });
    const console = await openConsole();
    const { results } = console.subscribe(changed, { ids: [request.id, test.probeRequestId] });
    await waitUntilLive(test, results);

    await test.gql(extend, { id: request.id, seconds: 60 });
    const first = await nextReal(test, results);
    expect(first.data?.jitRequestChanged.action).toBe('EXTENDED');
    expect(first.data?.jitRequestChanged.request.extensionSeconds).toBe(60);

    await test.gql(extend, { id: request.id, seconds: 30 });
    const second = await nextReal(test, results);
    expect(second.data?.jitRequestChanged.request.extensionSeconds).toBe(90);
    expect(Date.parse(second.data?.jitRequestChanged.request.expiresAt)).toBe(
      Date.parse(first.data?.jitRequestChanged.request.expiresAt) + 30_000,
    );

    await test.gql(revoke, { id: request.id, reason: 'work finished' });
    const third = await nextReal(test, results);
    expect(third.data?.jitRequestChanged).toMatchObject({
      action: 'REVOKED',
      request: { id: request.id, status: 'REVOKED', reasonByAdmin: 'work finished' },
    });
    const auditActions = (result: typeof first) =>
      result.data?.jitRequestChanged.request.auditTrail.map(
        (event: { action: string }) => event.action,
      );
    expect(auditActions(first)).toEqual(['request.created', 'request.extended']);
    expect(auditActions(third)).toEqual([
      'request.created',
      'request.extended',
      'request.extended',
      'request.revoked',
    ]);
  });

  it('reaches a tab when a request leaves it', async () => {
    const console = await openConsole();
    const active = console.subscribe(changed, { tabs: ['ACTIVE'] });
    const pending = console.subscribe(changed, { tabs: ['PENDING'] });
    await waitUntilLive(test, active.results);
    await waitUntilLive(test, pending.results, { status: 'PENDING' });

    const request = await createTestRequest(test, { deviceIds: [deviceId] });
    const created = await nextReal(test, active.results);
    expect(created.data?.jitRequestChanged).toMatchObject({
      action: 'CREATED',
      request: { id: request.id, status: 'ACTIVE' },
    });

    await test.gql(revoke, { id: request.id });
    const revoked = await nextReal(test, active.results);
    expect(revoked.data?.jitRequestChanged).toMatchObject({
      action: 'REVOKED',
      request: { id: request.id, status: 'REVOKED' },
    });

    expect(await resultsBeforeMarker(test, pending.results, { status: 'PENDING' })).toEqual([]);
  });

  it('leaves out other tabs and other ids', async () => {
    const console = await openConsole();
    const watched = await createTestRequest(test, { deviceIds: [deviceId] });
    const other = await createTestRequest(test, { deviceIds: [deviceId] });
    const byId = console.subscribe(changed, {
      ids: [watched.id, test.probeRequestId, test.markerRequestId],
    });
    const scheduledTab = console.subscribe(changed, { tabs: ['SCHEDULED'] });
    await waitUntilLive(test, byId.results);
    await waitUntilLive(test, scheduledTab.results, { status: 'SCHEDULED' });

    await test.gql(extend, { id: other.id, seconds: 60 });
    await test.gql(extend, { id: watched.id, seconds: 60 });

    const before = await resultsBeforeMarker(test, byId.results);
    expect(before.map((result) => result.data?.jitRequestChanged.request.id)).toEqual([watched.id]);
    expect(await resultsBeforeMarker(test, scheduledTab.results, { status: 'SCHEDULED' })).toEqual(
      [],
    );
  });

  it('gives each subscriber its own selection of one event', async () => {
    const request = await createTestRequest(test, { deviceIds: [deviceId] });
    const narrow = (await openConsole()).subscribe(
      `subscription ($ids: [ID!]) { jitRequestChanged(ids: $ids) { request { id status } } }`,
      { ids: [request.id, test.probeRequestId] },
    );
    const wide = (await openConsole('approver')).subscribe(
      `subscription ($ids: [ID!]) {
        jitRequestChanged(ids: $ids) {
          action
          request { id name devices { id } deviceSessions { state device { id } } auditTrail { action } }
        }
      }`,
      { ids: [request.id, test.probeRequestId] },
    );
    await waitUntilLive(test, narrow.results);
    await waitUntilLive(test, wide.results);

    await test.gql(extend, { id: request.id, seconds: 60 });
    const narrowResult = await nextReal(test, narrow.results);
    const wideResult = await nextReal(test, wide.results);

    expect(narrowResult.data?.jitRequestChanged).toEqual({
      request: { id: request.id, status: 'ACTIVE' },
    });
    const wideRequest = wideResult.data?.jitRequestChanged.request;
    expect(wideRequest.devices).toEqual([{ id: deviceId }]);
    expect(wideRequest.deviceSessions).toEqual([{ state: 'WAITING', device: { id: deviceId } }]);
    expect(wideRequest.auditTrail.map((event: { action: string }) => event.action)).toEqual([
      'request.created',
      'request.extended',
    ]);
  });
});

describe('jitRequestRaised over graphql-ws', () => {
  it('delivers requests raised by device users only', async () => {
    const device = await enrollTestDevice(test);
    const { agent } = await openAgent(test.httpUrl, device.agentToken);
    const console = await openConsole();
    const { results } = console.subscribe(
      `subscription { jitRequestRaised { id status requesterKind reasonByUser } }`,
    );
    try {
      await waitUntilLive(test, results, { raisedByUser: true });

      await createTestRequest(test, { deviceIds: [deviceId] });
      agent.send({
        v: 1,
        type: 'agent.raise',
        id: 'raise-1',
        userAccountName: 'alice',
        durationSeconds: 600,
        reason: 'install the printer driver',
      });
      const answer = await agent.next(
        'server.raise-result',
        (message) => message.replyTo === 'raise-1',
      );
      if (!answer.ok) throw new Error(`raise failed: ${JSON.stringify(answer.error)}`);

      const before = await resultsBeforeMarker(test, results, { raisedByUser: true });
      expect(before.map((result) => result.data?.jitRequestRaised)).toEqual([
        {
          id: answer.requestId,
          status: 'PENDING',
          requesterKind: 'USER',
          reasonByUser: 'install the printer driver',
        },
      ]);
    } finally {
      await agent.close();
    }
  });
});
