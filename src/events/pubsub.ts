import { createPubSub } from 'graphql-yoga';

import type { ChangePublisher, RequestChange } from '../domain/context.js';

export type AppPubSub = ReturnType<typeof createAppPubSub>;

/** Topics of the in-process event bus. */
export function createAppPubSub() {
  return createPubSub<{ 'request-changed': [change: RequestChange] }>();
}

/** Publishes committed request changes on the event bus that feeds the subscriptions. */
export function createChangePublisher(pubsub: AppPubSub): ChangePublisher {
  return {
    publishRequestChange: (change) => pubsub.publish('request-changed', change),
  };
}
