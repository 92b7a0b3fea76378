import { describe, expect, it } from 'vitest';

import { isLive, outcomeAtExpiry, remainingSeconds } from './lifecycle.js';

const at = new Date('2026-12-04T10:00:00Z');

describe('outcomeAtExpiry', () => {
  it('completes when one device applied', () => {
    expect(
      outcomeAtExpiry([
        { state: 'FAILED', appliedAt: null },
        { state: 'REMOVED', appliedAt: at },
      ]),
    ).toBe('COMPLETED');
  });

  it('completes when an applied device later failed to lower', () => {
    expect(outcomeAtExpiry([{ state: 'FAILED', appliedAt: at }])).toBe('COMPLETED');
  });

  it('fails when every device failed', () => {
    expect(
      outcomeAtExpiry([
        { state: 'FAILED', appliedAt: null },
        { state: 'FAILED', appliedAt: null },
      ]),
    ).toBe('FAILED');
  });

  it('expires when no device applied', () => {
    expect(
      outcomeAtExpiry([
        { state: 'WAITING', appliedAt: null },
        { state: 'FAILED', appliedAt: null },
      ]),
    ).toBe('EXPIRED');
  });

  it('expires with no devices at all', () => {
    expect(outcomeAtExpiry([])).toBe('EXPIRED');
  });
});

describe('remainingSeconds', () => {
  it('rounds a partial second up', () => {
    expect(remainingSeconds(new Date(at.getTime() + 1500), at)).toBe(2);
  });

  it('never goes below zero', () => {
    expect(remainingSeconds(new Date(at.getTime() - 5000), at)).toBe(0);
  });
});

describe('isLive', () => {
  it('separates live from past statuses', () => {
    expect(isLive('SCHEDULED')).toBe(true);
    expect(isLive('PRE_REVOKED')).toBe(false);
  });
});
