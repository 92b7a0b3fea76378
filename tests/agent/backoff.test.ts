import { describe, expect, it } from 'vitest';

import { reconnectDelayMs } from '../../agent/backoff.js';

describe('reconnectDelayMs', () => {
  const options = { initialDelayMs: 500, maxDelayMs: 30_000 };

  it('doubles up to the maximum', () => {
    const top = (attempt: number) =>
      reconnectDelayMs(attempt, { ...options, random: () => 0.999999 });
    expect([0, 1, 2, 3].map(top)).toEqual([500, 1000, 2000, 4000]);
    expect(top(10)).toBe(30_000);
    expect(top(1000)).toBe(30_000);
  });

  it('never waits less than half the ceiling', () => {
    expect(reconnectDelayMs(3, { ...options, random: () => 0 })).toBe(2000);
  });
});
