import { z } from 'zod';

import type { DeviceNotifier } from '../domain/context.js';
import type { Logger } from '../logger.js';
import type { AppPubSub, DeviceNotification } from './pubsub.js';

/** A device notifier that also reaches the agents connected to other replicas. */
export interface ReplicatedDeviceNotifier extends DeviceNotifier {
  /** Stops listening for other replicas' notifications. */
  stop(): Promise<void>;
}

const notificationSchema = z.object({
  origin: z.string(),
  kind: z.enum(['devices', 'settings']),
  deviceIds: z.array(z.string()).nullable(),
});

/**
 * Wraps the gateway's local notifier, which acts only on the sockets this process holds. Each
 * notification is applied locally at once, then published on the event bus; every other replica
 * applies it to its own sockets. A notification lost in transit (Redis down, a replica
 * restarting) costs nothing lasting: the persisted agent commands are the source of truth, and
 * the gateway sends them again when the agent reconnects.
 */
export function createReplicatedDeviceNotifier(options: {
  local: DeviceNotifier;
  pubsub: AppPubSub;
  replicaId: string;
  log: Logger;
}): ReplicatedDeviceNotifier {
  const { local, pubsub, replicaId, log } = options;
  const notifications = pubsub.subscribe('device-notification');
  const listening = applyRemoteNotifications(notifications, options);

  const send = (kind: DeviceNotification['kind'], deviceIds: string[] | null) =>
    pubsub.publish('device-notification', { origin: replicaId, kind, deviceIds });

  return {
    devicesChanged(deviceIds) {
      local.devicesChanged(deviceIds);
      send('devices', deviceIds);
    },
    settingsChanged(deviceIds) {
      local.settingsChanged(deviceIds);
      send('settings', deviceIds ?? null);
    },
    stop: async () => {
      await notifications.return();
      await listening;
      log.debug('device notifications stopped');
    },
  };
}

async function applyRemoteNotifications(
  notifications: AsyncIterable<unknown>,
  options: { local: DeviceNotifier; replicaId: string; log: Logger },
): Promise<void> {
  const { local, replicaId, log } = options;
  for await (const message of notifications) {
    const parsed = notificationSchema.safeParse(message);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.length }, 'malformed device notification ignored');
      continue;
    }
    const notification = parsed.data;
    if (notification.origin === replicaId) continue;
    try {
      if (notification.kind === 'devices') local.devicesChanged(notification.deviceIds ?? []);
      else local.settingsChanged(notification.deviceIds ?? undefined);
    } catch (error) {
      log.error(
        { err: error, origin: notification.origin, kind: notification.kind },
        'applying a device notification from another replica failed',
      );
    }
  }
}
