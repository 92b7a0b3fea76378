import type { Agenda } from 'agenda';

import type { DomainContext } from '../domain/context.js';
import { reconcileRequests, type ScheduledTransitionJobs } from '../domain/requests/reconcile.js';

/** Recurring safety net: overdue transitions and live requests whose job went missing. */
export const reconcileRequestsJob = 'reconcileRequests';

export interface RecurringJobOptions {
  /** How long a run may take before another process may start one, in ms. */
  lockLifetimeMs: number;
}

export function defineReconcileRequests(
  agenda: Agenda,
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  options: RecurringJobOptions & { signal: AbortSignal },
): void {
  agenda.define(
    reconcileRequestsJob,
    async () => {
      await reconcileRequests(context, jobs, { signal: options.signal });
    },
    { concurrency: 1, lockLifetime: options.lockLifetimeMs },
  );
}
