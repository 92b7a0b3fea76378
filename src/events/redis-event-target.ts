import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';

import type { Logger } from '../logger.js';
import type { AppEventTarget } from './pubsub.js';
import type { RedisConnections } from './redis.js';

/**
 * Creates the event target that carries the event bus across replicas. Each topic becomes the
 * Redis channel `<namespace>:<topic>`, so deployments (or parallel test runs) that share one
 * Redis server do not receive each other's events. Every replica, the publishing one included,
 * receives an event only when Redis delivers it.
 */
export function createNamespacedRedisEventTarget(
  connections: RedisConnections,
  namespace: string,
  log: Logger,
): AppEventTarget {
  const target = createRedisEventTarget<CustomEvent>({
    publishClient: logCommandFailures(connections.publisher, log),
    subscribeClient: logCommandFailures(connections.subscriber, log),
  });
  const channelOf = (topic: string) => `${namespace}:${topic}`;

  return {
    addEventListener: (topic, listener) => target.addEventListener(channelOf(topic), listener),
    removeEventListener: (topic, listener) =>
      target.removeEventListener(channelOf(topic), listener),
    dispatchEvent: (event) =>
      target.dispatchEvent(new CustomEvent(channelOf(event.type), { detail: event.detail })),
  };
}

const unobservedCommands = new Set(['publish', 'subscribe', 'unsubscribe']);

/**
 * Wraps a client so that the commands the event target sends without awaiting them log their
 * failure instead of rejecting unhandled, which would end the process.
 */
function logCommandFailures(client: Redis, log: Logger): Redis {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && unobservedCommands.has(property)) {
        return (...args: unknown[]) =>
          (value as (...args: unknown[]) => Promise<unknown>)
            .apply(target, args)
            .catch((error: unknown) => {
              log.warn({ err: error, command: property, channel: args[0] }, 'redis command failed');
              return undefined;
            });
      }
      return value.bind(target);
    },
  });
}
