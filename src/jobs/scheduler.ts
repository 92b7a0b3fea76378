import type { Agenda } from 'agenda';

import type { TransitionScheduler } from '../domain/context.js';
import type { ScheduledTransitionJobs, TransitionKind } from '../domain/requests/reconcile.js';
import type { JobStore } from './store.js';

/** Agenda job name of each transition kind. */
export const transitionJobNames: Record<TransitionKind, string> = {
  start: 'startScheduledRequest',
  end: 'endExpiredRequest',
  pendingTimeout: 'expirePendingRequest',
};

/** Payload of a transition job. `at` is the planned time, kept for people reading the store. */
export interface TransitionJobData {
  requestId: string;
  at: string;
}

export type AgendaTransitionScheduler = TransitionScheduler & ScheduledTransitionJobs;

/**
 * Creates the scheduler the domain calls after each transition. There is one job per request and
 * kind: scheduling again (an extension, a reconcile pass) moves the existing job instead of adding
 * one, through Agenda's unique() upsert keyed on the job name and the request id.
 */
export function createTransitionScheduler(
  agenda: Agenda,
  store: JobStore,
): AgendaTransitionScheduler {
  const schedule = async (kind: TransitionKind, requestId: string, at: Date) => {
    const name = transitionJobNames[kind];
    for (let attempt = 1; ; attempt += 1) {
      const job = agenda.create<TransitionJobData>(name, { requestId, at: at.toISOString() });
      job.unique({ name, 'data.requestId': requestId }).schedule(at);
      try {
        await job.save();
        return;
      } catch (error) {
        // Another process inserted the same job between Agenda's existence check and its insert.
        // The store's unique index rejected this one, so saving again updates that row instead.
        if (attempt > 1 || !store.isDuplicateKeyError(error)) throw error;
      }
    }
  };

  return {
    scheduleStart: (requestId, at) => schedule('start', requestId, at),
    scheduleEnd: (requestId, at) => schedule('end', requestId, at),
    schedulePendingTimeout: (requestId, at) => schedule('pendingTimeout', requestId, at),
    cancelRequestJobs: async (requestId) => {
      await agenda.cancel({ data: { requestId } });
    },
    cancelJobs: (kind, requestIds) => store.deleteRequestJobs(transitionJobNames[kind], requestIds),
    listScheduled: async (kind) => {
      const { jobs } = await agenda.queryJobs({ name: transitionJobNames[kind] });
      const scheduled = new Map<string, Date | null>();
      for (const job of jobs) {
        const requestId = (job.data as Partial<TransitionJobData> | null)?.requestId;
        if (typeof requestId !== 'string') continue;
        // A one-off job that is running has no next run but holds its lock. A finished one that
        // was not removed has neither, so it counts as missing.
        if (job.nextRunAt) scheduled.set(requestId, new Date(job.nextRunAt));
        else if (job.lockedAt) scheduled.set(requestId, null);
      }
      return scheduled;
    },
  };
}
