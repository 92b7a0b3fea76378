import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';

import type { DomainContext } from '../domain/context.js';
import {
  endBatchSize,
  endDueRequests,
  findPlannedTransition,
  performDueTransition,
  type PlannedTransition,
  type ScheduledTransitionJobs,
  type TransitionKind,
  transitionKinds,
} from '../domain/requests/reconcile.js';
import { transitionJobNames } from './scheduler.js';

const transitionJobDataSchema = z.object({ requestId: z.string().min(1) });

/** Result of one transition job run, beyond the transition itself. */
export interface TransitionJobOutcome {
  changed: boolean;
  /** Set when the job must run again: the deadline moved later while this run was already due. */
  rescheduleAt?: Date;
}

/**
 * Runs one transition job: performs the transition if it is due and otherwise changes nothing.
 * An end job ends every request that is due by now, its own among them, in one transaction
 * (endDueRequests). It then removes the end jobs of the others in one store query. So when many
 * sessions end together, Agenda does not run one job per session.
 *
 * When the request still waits for this kind of transition at a later time (an extension
 * committed just as the old end came), returns that time so the job runs again then. Agenda
 * writes the job's next run after the handler returns, overwriting a reschedule that another
 * caller saved during the run, so the handler has to carry it.
 */
export async function handleTransitionJob(
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  kind: TransitionKind,
  data: unknown,
): Promise<TransitionJobOutcome> {
  const { requestId } = transitionJobDataSchema.parse(data);
  if (kind === 'end') {
    const ended = await endDueRequests(context, { limit: endBatchSize });
    // This job's own row stays: Agenda removes it once the handler returns.
    const others = ended.filter((id) => id !== requestId);
    if (others.length > 0) await jobs.cancelJobs('end', others);
    if (ended.includes(requestId)) return { changed: true };
  }

  // From here on one request at a time: a start or a timeout, or an end the batch did not take
  // (not due, already done, beyond the batch size, or locked by another transaction).
  const planned = await findPlannedTransition(context, requestId);
  // Done already (by a batch, a reconcile pass or another server), revoked, or deleted.
  if (planned?.kind !== kind) return { changed: false };
  if (planned.at.getTime() > context.clock.now().getTime()) return notDueYet(planned);
  if (await performDueTransition(context, kind, requestId)) return { changed: true };
  const current = await findPlannedTransition(context, requestId);
  return current?.kind === kind ? notDueYet(current) : { changed: false };
}

function notDueYet(planned: PlannedTransition): TransitionJobOutcome {
  // Agenda fires on the wall clock, so the comparison uses it too: a deadline already behind it
  // would only fire again at once. Such a request is due by the domain clock at the latest by the
  // next reconcile pass, which performs it.
  return planned.at.getTime() > Date.now()
    ? { changed: false, rescheduleAt: planned.at }
    : { changed: false };
}

export interface TransitionJobOptions {
  /** Transitions of one kind run side by side in this process. */
  concurrency: number;
  /** How long a locked job may wait and run before another process may take it over, in ms. */
  lockLifetimeMs: number;
  /** Jobs of each kind this process holds locked ahead of their run time. */
  lockLimits: Record<TransitionKind, number>;
}

/** Defines the start, end and pending-timeout jobs. */
export function defineTransitionJobs(
  agenda: Agenda,
  context: DomainContext,
  jobs: ScheduledTransitionJobs,
  options: TransitionJobOptions,
): void {
  for (const kind of transitionKinds) {
    agenda.define(
      transitionJobNames[kind],
      async (job) => {
        const outcome = await handleTransitionJob(context, jobs, kind, job.attrs.data);
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
        lockLimit: options.lockLimits[kind],
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
