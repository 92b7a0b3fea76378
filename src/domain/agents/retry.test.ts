import { describe, expect, it } from 'vitest';

import { isRetryableConflict, retryOnConflict } from './retry.js';

describe('isRetryableConflict', () => {
  it('finds deadlocks and serialization failures in the cause chain', () => {
    expect(isRetryableConflict({ code: '40P01' })).toBe(true);
    expect(isRetryableConflict({ meta: { code: '40001' } })).toBe(true);
    expect(isRetryableConflict(new Error('wrapped', { cause: { originalCode: '40P01' } }))).toBe(
      true,
    );
    expect(isRetryableConflict(new Error('deadlock detected'))).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isRetryableConflict(new Error('connection refused'))).toBe(false);
    expect(isRetryableConflict({ code: '23505' })).toBe(false);
    expect(isRetryableConflict(null)).toBe(false);
  });
});

describe('retryOnConflict', () => {
  it('runs again after a conflict and stops after the last attempt', async () => {
    let calls = 0;
    const value = await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    expect(value).toBe('done');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw new Error('deadlock detected');
      }, 2),
    ).rejects.toThrow('deadlock detected');
    expect(calls).toBe(2);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
