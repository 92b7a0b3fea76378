import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';

import type { DomainContext } from '../domain/context.js';
import {
  findPlannedTransition,
  performDueTransition,
  type TransitionKind,
  transitionKinds,
} from '../domain/requests/reconcile.js';
import { transitionJobNames } from './scheduler.js';

const transitionJobDataSchema = z.object({ requestId: z.string().min(1) });

/** What a transition job run decided beyond the transition itself. */
export interface TransitionJobOutcome {
  changed: boolean;
  /** Set when the job must run again: the deadline moved later while this run was already due. */
  rescheduleAt?: Date;
}

/**
 * Runs one transition job: performs the transition if it is due and otherwise changes nothing.
 * When the request still waits for this kind of transition at a later time (an extension
 * committed just as the old end came), returns that time so the job runs again then. Agenda
 * writes the job's next run after the handler returns, overwriting a reschedule that another
 * caller saved during the run, so the handler has to carry it.
 */
export async function handleTransitionJob(
  context: DomainContext,
  kind: TransitionKind,
  data: unknown,
): Promise<TransitionJobOutcome> {
  const { requestId } = transitionJobDataSchema.parse(data);
  if (await performDueTransition(context, kind, requestId)) return { changed: true };

  const planned = await findPlannedTransition(context, requestId);
  // Agenda fires on the wall clock, so the comparison uses it too: a deadline already behind it
  // would only fire again at once. Such a request is due by the domain clock at the latest by the
  // next reconcile pass, which performs it.
  if (planned?.kind === kind && planned.at.getTime() > Date.now()) {
    return { changed: false, rescheduleAt: planned.at };
  }
  return { changed: false };
}

export interface TransitionJobOptions {
  /** Transitions of one kind run side by side in this process. */
  concurrency: number;
  /** How long a locked job may wait and run before another process may take it over, in ms. */
  lockLifetimeMs: number;
}

/** Defines the start, end and pending-timeout jobs. */
export function defineTransitionJobs(
  agenda: Agenda,
  context: DomainContext,
  options: TransitionJobOptions,
): void {
  for (const kind of transitionKinds) {
    agenda.define(
      transitionJobNames[kind],
      async (job) => {
        const outcome = await handleTransitionJob(context, kind, job.attrs.data);
        if (outcome.rescheduleAt) {
          job.schedule(outcome.rescheduleAt);
          context.log.info(
            { job: job.attrs.name, jobId: String(job.attrs._id), at: outcome.rescheduleAt },
            'transition not due yet; job rescheduled',
          );
        }
      },
      {
        concurrency: options.concurrency,
        lockLifetime: options.lockLifetimeMs,
        // Lowering an elevation matters most when many jobs are due at once.
        priority: kind === 'end' ? 'high' : 'normal',
        removeOnComplete: true,
        // A failed run (database unreachable, say) retries soon; the reconcile pass covers the rest.
        backoff: exponential({ delay: 1000, maxDelay: 30_000, maxRetries: 5 }),
      },
    );
  }
}
