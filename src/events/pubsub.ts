import { setMaxListeners } from 'node:events';

import { createPubSub, type PubSub, type PubSubEventTarget } from 'graphql-yoga';

import type { ChangePublisher, RequestChange } from '../domain/context.js';

/** A device notification sent to every replica, so the one holding the device's socket acts on it. */
export interface DeviceNotification {
  /** Id of the replica that sent it; that replica has already notified its own sockets. */
  origin: string;
  kind: 'devices' | 'settings';
  /** Devices concerned; null means every device (agent settings changed globally). */
  deviceIds: string[] | null;
}

/** Topics of the event bus and the payload each carries. */
export type AppTopics = {
  'request-changed': [change: RequestChange];
  'device-notification': [notification: DeviceNotification];
};

export type AppPubSub = PubSub<AppTopics>;
export type AppEventTarget = PubSubEventTarget<AppTopics>;

/**
 * Creates the event bus that feeds subscriptions and device notifications: in process by
 * default, or across replicas when `eventTarget` is a Redis event target.
 */
export function createAppPubSub(eventTarget?: AppEventTarget): AppPubSub {
  return createPubSub<AppTopics>({ eventTarget: eventTarget ?? createInProcessEventTarget() });
}

function createInProcessEventTarget(): AppEventTarget {
  const target = new EventTarget();
  // Every subscription adds a listener to its topic, so a topic routinely has hundreds; 0 turns
  // off Node's warning about more than 10 listeners.
  setMaxListeners(0, target);
  return target as AppEventTarget;
}

/** Publishes committed request changes on the event bus that feeds the subscriptions. */
export function createChangePublisher(pubsub: AppPubSub): ChangePublisher {
  return {
    publishRequestChange: (change) => pubsub.publish('request-changed', change),
  };
}
