import { Redis } from 'ioredis';

import type { Logger } from '../logger.js';

/** The two connections a replica keeps to Redis: one publishes, one stays in subscriber mode. */
export interface RedisConnections {
  publisher: Redis;
  subscriber: Redis;
  /** Whether both connections are up; /readyz reports it. */
  isReady(): boolean;
  /** Closes both connections; pending commands are dropped. */
  close(): Promise<void>;
}

const quitTimeoutMs = 2_000;

/**
 * Opens the publisher and subscriber connections. Neither throws when Redis is unreachable:
 * ioredis reconnects in the background, and each outage is logged once, when it starts.
 */
export function connectRedis(url: string, log: Logger): RedisConnections {
  // The publisher gives up on a command after ioredis's default 20 reconnection attempts, so a
  // long outage cannot grow its offline queue without bound. The subscriber waits for Redis
  // however long it takes, and ioredis subscribes again to every channel once it reconnects.
  const publisher = watchConnection(
    new Redis(url, { connectionName: 'jit-publisher' }),
    'publisher',
    log,
  );
  const subscriber = watchConnection(
    new Redis(url, { connectionName: 'jit-subscriber', maxRetriesPerRequest: null }),
    'subscriber',
    log,
  );

  return {
    publisher,
    subscriber,
    isReady: () => publisher.status === 'ready' && subscriber.status === 'ready',
    close: async () => {
      await Promise.all([closeConnection(publisher), closeConnection(subscriber)]);
    },
  };
}

function watchConnection(client: Redis, role: string, log: Logger): Redis {
  let down = false;
  client.on('ready', () => {
    log.info({ redis: role }, down ? 'redis reconnected' : 'redis connected');
    down = false;
  });
  // Without an 'error' listener, ioredis's error events would crash the process. Reconnection
  // attempts fail every few seconds during an outage, so only the first failure is logged.
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.error({ err: error, redis: role }, 'redis connection failed; reconnecting');
  });
  return client;
}

async function closeConnection(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), quitTimeoutMs).unref(),
  );
  const outcome = await Promise.race([client.quit().catch(() => 'failed' as const), timeout]);
  if (outcome !== 'OK') client.disconnect();
}
