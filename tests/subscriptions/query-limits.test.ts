import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  connectConsole,
  type SubscriptionResult,
  subscribeSse,
  type WsConsole,
} from './console-client.js';
import { type LiveTestApp, startLiveTestApp, waitUntilLive } from './live-app.js';

let test: LiveTestApp;
let token: string;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  test = await startLiveTestApp();
  token = await test.tokenFor('admin');
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

afterAll(async () => {
  await test?.close();
});

const repeat = (count: number, make: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => make(index)).join(' ');

/** Eleven levels of fields, one more than the depth limit allows. */
const tooDeep = `subscription {
  jitRequestChanged { request { devices { groups { devices { groups { devices { groups { devices { groups { id } } } } } } } } } }
}`;

const tooManyAliases = `subscription { jitRequestRaised { ${repeat(16, (i) => `a${i}: id`)} } }`;

// Each spread of the fragment is counted again, so 200 spreads cost far more than the limit.
const tooCostly = `subscription { jitRequestRaised { ${repeat(200, () => '...Wide')} } }
fragment Wide on JitRequest {
  devices { groups { devices { groups { devices { id name serialNumber platform online lastSeenAt } } } } }
}`;

const tooManyTokens = `subscription { jitRequestRaised { ${repeat(2_100, () => 'id')} } }`;

const limits: [string, string, RegExp][] = [
  ['depth', tooDeep, /depth/i],
  ['aliases', tooManyAliases, /alias/i],
  ['cost', tooCostly, /cost/i],
  ['tokens', tooManyTokens, /token/i],
];

async function viaWebSocket(query: string): Promise<SubscriptionResult['errors']> {
  const console: WsConsole = connectConsole(test.wsUrl, token);
  cleanups.push(() => console.close());
  const { results } = console.subscribe(query);
  const result = await results.next();
  if (result) return result.errors;
  return results.error as SubscriptionResult['errors'];
}

async function viaSse(query: string): Promise<SubscriptionResult['errors']> {
  const sse = await subscribeSse(test.httpUrl, token, query);
  cleanups.push(() => sse.close());
  const result = await sse.results.next();
  return result?.errors;
}

describe('query limits on subscriptions', () => {
  for (const [limit, query, message] of limits) {
    it(`enforces the ${limit} limit over graphql-ws`, async () => {
      const errors = await viaWebSocket(query);
      expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(errors?.[0]?.message).toMatch(message);
    });

    it(`enforces the ${limit} limit over SSE`, async () => {
      const errors = await viaSse(query);
      expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(errors?.[0]?.message).toMatch(message);
    });
  }

  it('accepts a console-sized subscription on both paths', async () => {
    const query = `subscription {
      jitRequestChanged(tabs: [ACTIVE]) {
        action
        request { id name status expiresAt remainingSeconds devices { id name online } deviceSessions { state } }
      }
    }`;
    const console = connectConsole(test.wsUrl, token);
    cleanups.push(() => console.close());
    const ws = console.subscribe(query);
    const sse = await subscribeSse(test.httpUrl, token, query);
    cleanups.push(() => sse.close());
    expect(sse.status).toBe(200);

    // A probe result arrives only when the whole selection resolved without errors.
    await waitUntilLive(test, ws.results);
    await waitUntilLive(test, sse.results);
  });
});
