import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { createTestRequest, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';
import { isRedisReachable, testRedisUrl } from './redis-server.js';

const redisAvailable = await isRedisReachable();
if (!redisAvailable) {
  console.log(`Redis readiness test skipped: no Redis responds at ${testRedisUrl}.`);
}
const apps: TestApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function startWithRedis(url: string) {
  const test = await startTestApp({
    env: { REDIS_URL: url, REDIS_CHANNEL_PREFIX: `jit-test-${randomBytes(6).toString('hex')}` },
  });
  apps.push(test);
  const { url: httpUrl } = await test.app.listen();
  return { test, httpUrl };
}

async function readiness(httpUrl: string) {
  const response = await fetch(`${httpUrl}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { checks: Record<string, boolean> },
  };
}

describe('/readyz with REDIS_URL', () => {
  it.skipIf(!redisAvailable)('reports Redis ready once both connections are up', async () => {
    const { httpUrl } = await startWithRedis(testRedisUrl);
    const deadline = Date.now() + 10_000;
    let answer = await readiness(httpUrl);
    while (answer.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await readiness(httpUrl);
    }
    expect(answer.status).toBe(200);
    expect(answer.body.checks.redis).toBe(true);
  });

  it('reports an unreachable Redis and keeps serving', async () => {
    // Nothing listens on port 1, so every connection attempt is refused.
    const { test, httpUrl } = await startWithRedis('redis://127.0.0.1:1');

    const answer = await readiness(httpUrl);
    expect(answer.status).toBe(503);
    expect(answer.body.checks.redis).toBe(false);
    expect(answer.body.checks.database).toBe(true);

    // Publishing a change (and notifying devices) with Redis down must not fail the mutation.
    const device = await enrollTestDevice(test);
    const request = await createTestRequest(test, { deviceIds: [device.id] });
    expect(request.status).toBe('ACTIVE');
  });
});
