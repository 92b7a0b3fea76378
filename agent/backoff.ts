export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): exponential growth up to the maximum,
 * then a random value between half and all of it, so a fleet that lost the server at the same
 * moment does not come back in step.
 */
export function reconnectDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceilingMs = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.min(attempt, 30),
  );
  return Math.round(ceilingMs / 2 + random() * (ceilingMs / 2));
}
