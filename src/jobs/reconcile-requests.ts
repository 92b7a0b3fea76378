import type { Agenda } from 'agenda';

import type { DomainContext } from '../domain/context.js';
import { reconcileRequests, type ScheduledTransitionJobs } from '../domain/requests/reconcile.js';

/** Recurring safety net: overdue transitions and live requests whose job went missing. */
export const reconcileRequestsJob = 'reconcileRequests';

export interface RecurringJobOptions {
  intervalMs: number;
  lockLifetimeMs: number;
}

export function defineReconcileRequests(
  agenda: Agenda,
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  options: RecurringJobOptions,
): void {
  agenda.define(
    reconcileRequestsJob,
    async () => {
      await reconcileRequests(context, jobs);
    },
    { concurrency: 1, lockLifetime: options.lockLifetimeMs },
  );
}
