// A listening test server and the probe that shows when a subscription is live on it.
import { SignJWT } from 'jose';

import type { RequestChange } from '../../src/domain/context.js';
import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, testJwtSecret, type TestApp } from '../helpers.js';
import type { ResultQueue, SubscriptionResult } from './console-client.js';

export interface LiveTestApp extends TestApp {
  httpUrl: string;
  wsUrl: string;
  /** An ACTIVE request that probe events name, to tell when a subscription is live. */
  probeRequestId: string;
  /** An ACTIVE request that marker events name, to show that nothing arrived before them. */
  markerRequestId: string;
}

/** Starts a test app listening on 127.0.0.1 with a port of its own. */
export async function startLiveTestApp(env: Record<string, string> = {}): Promise<LiveTestApp> {
  const test = await startTestApp({ env });
  try {
    const { url } = await test.app.listen();
    const device = await enrollTestDevice(test);
    const probe = await createTestRequest(test, { deviceIds: [device.id], name: 'probe' });
    const marker = await createTestRequest(test, { deviceIds: [device.id], name: 'marker' });
    return {
      ...test,
      httpUrl: url,
      wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
      probeRequestId: probe.id,
      markerRequestId: marker.id,
    };
  } catch (error) {
    await test.close();
    throw error;
  }
}

/** Checks whether a result is about request `id`; subscriptions select `id` or `request { id }`. */
export function refersTo(result: SubscriptionResult, id: string): boolean {
  return Object.values(result.data ?? {}).some((field) => {
    const value = field as { id?: string; request?: { id?: string } } | null;
    return value?.id === id || value?.request?.id === id;
  });
}

/**
 * Waits until a subscription receives events: the server sends no acknowledgement when a
 * subscription starts, so probe changes are published until one arrives. Read later results
 * with `nextReal`, which skips leftover probes.
 */
export function waitUntilLive(
  test: LiveTestApp,
  results: ResultQueue,
  probe: Partial<RequestChange> = {},
  timeoutMs = 15_000,
): Promise<void> {
  return waitForProbe(
    results,
    test.probeRequestId,
    () => publishChange(test, { requestId: test.probeRequestId, ...probe }),
    timeoutMs,
  );
}

/** Calls `publishProbe` until `results` receives a result about `probeRequestId`. */
export async function waitForProbe(
  results: ResultQueue,
  probeRequestId: string,
  publishProbe: () => void | Promise<void>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await publishProbe();
    try {
      await results.nextMatching((result) => refersTo(result, probeRequestId), 250);
      return;
    } catch (error) {
      if (results.completed) throw new Error('the subscription ended', { cause: results.error });
      if (Date.now() > deadline) throw error;
    }
  }
}

function publishChange(test: LiveTestApp, change: Partial<RequestChange>): void {
  test.app.domain.publisher.publishRequestChange({
    action: 'PROBE',
    requestId: test.probeRequestId,
    status: 'ACTIVE',
    ...change,
  });
}

/** Waits for the next result that is not a probe or a marker. */
export function nextReal(
  test: LiveTestApp,
  results: ResultQueue,
  timeoutMs = 10_000,
): Promise<SubscriptionResult> {
  return results.nextMatching(
    (result) => !refersTo(result, test.probeRequestId) && !refersTo(result, test.markerRequestId),
    timeoutMs,
  );
}

/**
 * Publishes a marker change and returns the results (probes aside) that arrived before it. Events
 * reach a subscriber in publication order, so this shows without sleeping that nothing published
 * earlier was delivered. `marker` must match the subscription's filter.
 */
export async function resultsBeforeMarker(
  test: LiveTestApp,
  results: ResultQueue,
  marker: Partial<RequestChange> = {},
): Promise<SubscriptionResult[]> {
  publishChange(test, { action: 'MARKER', ...marker, requestId: test.markerRequestId });
  const before: SubscriptionResult[] = [];
  for (;;) {
    const result = await results.next();
    if (!result) throw new Error('the subscription ended before the marker arrived');
    if (refersTo(result, test.markerRequestId)) return before;
    if (!refersTo(result, test.probeRequestId)) before.push(result);
  }
}

/** Signs a console token with any claims, for tokens that tokenFor cannot make. */
export async function signToken(
  claims: Record<string, unknown>,
  options: { expiresAt?: Date; secret?: string } = {},
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.expiresAt)
    jwt = jwt.setExpirationTime(Math.floor(options.expiresAt.getTime() / 1000));
  return jwt.sign(new TextEncoder().encode(options.secret ?? testJwtSecret));
}

/** Waits for the next result about request `id`. */
export function nextMatchingRequest(
  results: ResultQueue,
  id: string,
  timeoutMs = 10_000,
): Promise<SubscriptionResult> {
  return results.nextMatching((result) => refersTo(result, id), timeoutMs);
}
