export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * Returns the delay before reconnect attempt `attempt` (0 for the first). The ceiling doubles with
 * each attempt up to the maximum, and the delay is a random value between half and all of it, so a
 * fleet that lost the server at the same moment does not reconnect in step.
 */
export function reconnectDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceilingMs = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.min(attempt, 30),
  );
  return Math.round(ceilingMs / 2 + random() * (ceilingMs / 2));
}
