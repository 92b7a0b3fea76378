// Subscribers of one operation share each event's execution; these tests run subscriptions in
// process through Yoga's envelop, where the result objects themselves can be compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Role } from '../../src/domain/context.js';
import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
let requestId: string;

beforeAll(async () => {
  test = await startTestApp();
  const device = await enrollTestDevice(test);
  requestId = (await createTestRequest(test, { deviceIds: [device.id] })).id;
});

afterAll(async () => {
  await test?.close();
});

const query = `subscription ($ids: [ID!]) {
  jitRequestChanged(ids: $ids) { action request { id extensionSeconds devices { name } } }
}`;

type Stream = AsyncIterator<{ data?: any; errors?: unknown[] }>;

/** Starts a subscription the way the WebSocket server does, and returns its result stream. */
async function subscribe(role: Role, variables: Record<string, unknown>): Promise<Stream> {
  const token = await test.tokenFor(role);
  const enveloped = test.app.yoga.getEnveloped({
    connectionParams: { authorization: `Bearer ${token}` },
  } as never);
  const document = enveloped.parse(query);
  expect(enveloped.validate(enveloped.schema, document)).toEqual([]);
  const stream = await enveloped.subscribe({
    schema: enveloped.schema,
    document,
    variableValues: variables,
    contextValue: await enveloped.contextFactory(),
  });
  return (stream as AsyncIterable<any>)[Symbol.asyncIterator]();
}

async function nextWithin(stream: Stream, timeoutMs = 10_000) {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      stream.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Publishes one change and returns what each stream received for it. */
async function publishAndCollect(streams: Stream[], additionalSeconds: number) {
  // The source streams subscribe to the event bus on their first next(), so pull first.
  const pending = streams.map((stream) => nextWithin(stream));
  await new Promise((resolve) => setImmediate(resolve));
  await test.gql(
    `mutation ($id: ID!, $seconds: Int!) { extendJitRequest(input: { id: $id, additionalSeconds: $seconds }) { id } }`,
    { id: requestId, seconds: additionalSeconds },
  );
  return (await Promise.all(pending)).map((result) => result.value);
}

describe('shared subscription events', () => {
  it('executes an event once for identical operations of one role', async () => {
    const ids = { ids: [requestId] };
    const streams = [await subscribe('auditor', ids), await subscribe('auditor', ids)];
    try {
      const [first, second] = await publishAndCollect(streams, 60);
      expect(first.data.jitRequestChanged.action).toBe('EXTENDED');
      expect(second).toBe(first);

      // The next event is executed anew, with the state after it.
      const [later] = await publishAndCollect(streams, 30);
      expect(later).not.toBe(first);
      expect(later.data.jitRequestChanged.request.extensionSeconds).toBe(
        first.data.jitRequestChanged.request.extensionSeconds + 30,
      );
    } finally {
      await Promise.all(streams.map((stream) => stream.return?.()));
    }
  });

  it('executes separately for another role or other variables', async () => {
    const streams = [
      await subscribe('auditor', { ids: [requestId] }),
      await subscribe('admin', { ids: [requestId] }),
      await subscribe('auditor', { ids: [requestId, 'req_other'] }),
    ];
    try {
      const results = await publishAndCollect(streams, 10);
      expect(new Set(results).size).toBe(3);
      for (const result of results) {
        expect(result.data.jitRequestChanged.request.id).toBe(requestId);
      }
    } finally {
      await Promise.all(streams.map((stream) => stream.return?.()));
    }
  });
});
