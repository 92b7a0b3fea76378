import { Repeater } from 'graphql-yoga';

/** Marker a subscription stream yields when the subscriber's token expires; the stream then ends. */
export const tokenExpired = Symbol('token expired');
export type TokenExpired = typeof tokenExpired;

// setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days), so longer waits are
// split into steps of at most that size.
const maxTimerDelayMs = 2 ** 31 - 1;

/** Calls `callback` at `at`, however far ahead; returns a function that cancels the call. */
export function callAt(at: Date, callback: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delayMs = at.getTime() - Date.now();
    if (delayMs > maxTimerDelayMs) {
      timer = setTimeout(arm, maxTimerDelayMs);
      return;
    }
    timer = setTimeout(callback, Math.max(0, delayMs));
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * Passes on the events of `source` that `keep` accepts until `expiresAt`, then yields
 * `tokenExpired` once and ends. A null `expiresAt` (a token without an exp claim) never ends the
 * stream. Filtering here rather than in a stream of its own saves a hop per event and subscriber.
 */
export function endAtTokenExpiry<T>(
  source: AsyncIterable<T>,
  expiresAt: Date | null,
  keep: (event: T) => boolean = () => true,
): AsyncIterable<T | TokenExpired> {
  return new Repeater<T | TokenExpired>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    const cancelTimer = expiresAt
      ? callAt(expiresAt, () => {
          void push(tokenExpired).then(() => stop());
        })
      : () => undefined;
    void stop.then(() => {
      cancelTimer();
      void iterator.return?.();
    });

    let latest = await iterator.next();
    while (!latest.done) {
      if (keep(latest.value)) await push(latest.value);
      latest = await iterator.next();
    }
    stop();
  });
}

/** Expiry of the token a GraphQL context was built from (its exp claim), or null without one. */
export function tokenExpiryOf(context: object): Date | null {
  const exp = (context as { jwt?: { payload?: { exp?: unknown } } }).jwt?.payload?.exp;
  return typeof exp === 'number' ? new Date(exp * 1000) : null;
}

const resultsByEvent = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `compute` once per event and `key`, however many subscribers handle that event: every
 * subscriber of an event receives the same event object, so subscribers whose work gives the
 * same `key` share one result. Each new event computes again, so a result is never older than
 * its event. Shared results must be treated as read-only.
 */
export function oncePerEvent<T>(event: object, key: string, compute: () => Promise<T>): Promise<T> {
  let results = resultsByEvent.get(event);
  if (!results) {
    results = new Map();
    resultsByEvent.set(event, results);
  }
  let pending = results.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = compute();
    results.set(key, pending);
  }
  return pending;
}
