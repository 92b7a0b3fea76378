import type { Agenda } from 'agenda';

import type { DomainContext } from '../domain/context.js';
import { suspendSilentDeviceSessions } from '../domain/devices/offline.js';
import type { RecurringJobOptions } from './reconcile-requests.js';

/** Recurring: suspends the sessions of Internet-Access-Required requests on silent devices. */
export const suspendSilentDevicesJob = 'suspendSilentDevices';

export function defineSuspendSilentDevices(
  agenda: Agenda,
  context: DomainContext,
  options: RecurringJobOptions,
): void {
  agenda.define(
    suspendSilentDevicesJob,
    async () => {
      await suspendSilentDeviceSessions(context);
    },
    { concurrency: 1, lockLifetime: options.lockLifetimeMs },
  );
}

/**
 * Time between checks for silent devices: a fifth of the offline delay, so a session is marked
 * at most 20 % late, between 1 s and 30 s. Agenda picks a recurring job up on its scans, so an
 * interval shorter than JOBS_PROCESS_EVERY_MS acts as that scan interval.
 */
export function silentDeviceCheckIntervalMs(offlineRevokeAfterSeconds: number): number {
  return Math.min(30_000, Math.max(1000, (offlineRevokeAfterSeconds * 1000) / 5));
}
