// The Redis server that replica tests use, and a check that it is up.
import { Redis } from 'ioredis';

/** TEST_REDIS_URL, or the Redis that CI and the development machines run on 127.0.0.1. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Checks whether a Redis server at `url` replies to PING within a second. */
export async function isRedisReachable(url: string = testRedisUrl): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
