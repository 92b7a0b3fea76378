import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import { Agenda } from 'agenda';
import type pg from 'pg';

import type { Config } from '../config.js';
import type { DomainContext } from '../domain/context.js';
import { reconcileRequests, type TransitionKind } from '../domain/requests/reconcile.js';
import type { Logger } from '../logger.js';
import { defineReconcileRequests, reconcileRequestsJob } from './reconcile-requests.js';
import {
  type AgendaTransitionScheduler,
  createTransitionScheduler,
  transitionJobNames,
} from './scheduler.js';
import { openJobStore } from './store.js';
import {
  defineSuspendSilentDevices,
  silentDeviceCheckIntervalMs,
  suspendSilentDevicesJob,
} from './suspend-silent-devices.js';
import { defineTransitionJobs } from './transition-jobs.js';

/** Agenda, its job store and the jobs of this server, started and stopped as one. */
export interface JobRunner {
  /** The scheduler the domain calls. It works once the runner exists, before start(). */
  scheduler: AgendaTransitionScheduler;
  /** Defines the jobs, reconciles the database with the job store, then starts processing. */
  start(context: DomainContext): Promise<void>;
  /** Whether jobs are being processed and the store responds to a query. */
  isReady(): Promise<boolean>;
  /** Stops taking jobs, releases queued ones and waits for running ones; the pool stays open. */
  stop(): Promise<void>;
}

export interface JobRunnerOptions {
  config: Pick<Config, 'jobs' | 'jit' | 'database'>;
  /** The application's pool, shared with Agenda's PostgreSQL store and never ended here. */
  pool: pg.Pool;
  log: Logger;
}

/** Maximum time a transition keeps its database transaction open: maxWait 10 s plus timeout 20 s. */
const transitionWorstCaseMs = 30_000;
/**
 * Estimate: batches end about 6,000 requests a second and jobs are scheduled at about 1,000 a
 * second (bench/expiry.ts), so a pass over 10,000 overdue or unscheduled requests stays well
 * under a minute.
 */
const reconcileLockLifetimeMs = 2 * 60_000;
const suspendLockLifetimeMs = 60_000;
/** Maximum time stop() waits for running jobs before the pool closes under them. */
const stopTimeoutMs = 35_000;
/**
 * Maximum transition jobs of one kind that this process locks ahead of their run time. Agenda
 * locks the jobs due before its next scan one committed UPDATE at a time, and starts none of them
 * until that round ends, so a round of n jobs delays the first by n commits. End jobs need few:
 * each ends every due request (endDueRequests), so between scans a handful of them suffice. With
 * 200 and a 1 s scan, 10,000 ends in a minute lagged up to 1 s (bench/expiry.ts), and with 20 and
 * a 250 ms scan p99 was 0.5 s on the same loaded machine. Starts and pending timeouts run one
 * request per job, so they keep a larger window.
 */
const lockLimits: Record<TransitionKind, number> = { start: 200, end: 20, pendingTimeout: 200 };

/**
 * Connects the job store and builds Agenda on it. Throws, with no Agenda left behind, when the
 * store cannot be reached.
 */
export async function createJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const { config, pool } = options;
  const log = options.log.child({ component: 'jobs' });
  const processEveryMs = config.jobs.processEveryMs;
  // Transitions hold a pooled connection each; half the pool leaves the rest for API requests.
  const transitionConcurrency = Math.max(2, Math.floor(config.database.poolSize / 2));

  const store = await openJobStore({ mongodbUrl: config.jobs.mongodbUrl, pool, log });
  const agenda = new Agenda({
    backend: store.backend,
    // Recorded as last_modified_by on the jobs this process locks; unique per process.
    name: `jit-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    processEvery: processEveryMs,
    maxConcurrency: transitionConcurrency * 3 + 2,
    defaultLockLifetime: processEveryMs + transitionWorstCaseMs + 10_000,
    removeOnComplete: true,
  });
  const scheduler = createTransitionScheduler(agenda, store);
  const running = trackRunningJobs(agenda);
  let started = false;
  let stopping = false;
  logAgendaEvents(agenda, store.backend.notificationChannel, log, () => stopping);
  let followUp: NodeJS.Timeout | undefined;
  // Ends reconcile passes between two transitions, so none outlives the pool.
  const stopController = new AbortController();

  const reconcile = async (context: DomainContext, reason: string) => {
    try {
      await reconcileRequests(context, scheduler, { signal: stopController.signal });
    } catch (error) {
      log.error({ err: error, reason }, 'reconcile pass failed; the recurring pass retries');
    }
  };

  return {
    scheduler,
    start: async (context) => {
      defineTransitionJobs(agenda, context, scheduler, {
        concurrency: transitionConcurrency,
        lockLifetimeMs: processEveryMs + transitionWorstCaseMs + 10_000,
        lockLimits,
      });
      defineReconcileRequests(agenda, context, scheduler, {
        lockLifetimeMs: reconcileLockLifetimeMs,
        signal: stopController.signal,
      });
      const checkIntervalMs = silentDeviceCheckIntervalMs(config.jit.offlineRevokeAfterSeconds);
      defineSuspendSilentDevices(agenda, context, { lockLifetimeMs: suspendLockLifetimeMs });

      // Sessions that came due while no server ran end now, at their planned times, without
      // waiting for their jobs: a job locked by a killed process stays locked for its lock lifetime.
      await reconcile(context, 'boot');
      await agenda.start();
      await agenda.every(config.jobs.reconcileIntervalSeconds * 1000, reconcileRequestsJob);
      await agenda.every(checkIntervalMs, suspendSilentDevicesJob);
      started = true;
      // A killed process may have locked jobs due up to one scan interval after it died. A second
      // pass after that interval performs them, so they do not wait for their locks to expire.
      followUp = setTimeout(() => void reconcile(context, 'boot follow-up'), processEveryMs + 1000);
      followUp.unref();
      log.info(
        {
          processEveryMs,
          transitionConcurrency,
          reconcileIntervalSeconds: config.jobs.reconcileIntervalSeconds,
        },
        'jobs started',
      );
    },
    isReady: async () => {
      if (!started || stopping) return false;
      const channel = store.backend.notificationChannel;
      if (channel && channel.state !== 'connected') return false;
      return store.isReachable();
    },
    stop: async () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(followUp);
      stopController.abort();
      // NOTE: agenda 6.2.6's drain() discards its job processor, so a stop() after it cannot release
      // the jobs locked ahead of their run time, and they stay locked for their lock lifetime.
      // Hence stop() comes first: it releases those and keeps the locks of running jobs. Then this
      // waits for the running jobs, which is what drain() would do.
      await agenda.stop();
      const stillRunning = await running.waitForNone(stopTimeoutMs);
      if (stillRunning > 0) log.warn({ running: stillRunning }, 'jobs still running at shutdown');
      log.info('jobs stopped');
    },
  };
}

/** Counts this process's running job runs, from Agenda's start to its complete event. */
function trackRunningJobs(agenda: Agenda) {
  let count = 0;
  let waiters: Array<() => void> = [];
  agenda.on('start', (_job, remote) => {
    if (!remote) count += 1;
  });
  agenda.on('complete', (_job, remote) => {
    if (remote) return;
    count -= 1;
    if (count === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  });
  return {
    waitForNone: async (timeoutMs: number): Promise<number> => {
      if (count === 0) return 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return count;
    },
  };
}

const jobsWithRetries = new Set(Object.values(transitionJobNames));

function logAgendaEvents(
  agenda: Agenda,
  channel: { on(event: 'error', listener: (error: Error) => void): unknown } | undefined,
  log: Logger,
  isStopping: () => boolean,
): void {
  agenda.on('error', (error) => {
    // A job cancelled (its request revoked, or ended by a batch) after this process locked it can
    // no longer be saved, so Agenda skips it with this error. Batches make that common.
    if (/does not exist anymore/.test(error.message)) {
      log.debug({ err: error }, 'a locked job was cancelled before it ran');
      return;
    }
    log.error({ err: error }, 'job scheduler error');
  });
  // The LISTEN connection reports its failures here; an EventEmitter without an 'error' listener
  // would throw them and end the process. The channel reconnects on its own.
  channel?.on('error', (error) => {
    // The released LISTEN connection keeps this listener, so a database stopping after the
    // server reports here too.
    if (isStopping()) log.debug({ err: error }, 'job notification channel error after stop');
    else log.error({ err: error }, 'job notification channel error');
  });
  agenda.on('fail', (error, job, remote) => {
    if (remote) return;
    const fields = {
      err: error,
      job: job.attrs.name,
      jobId: String(job.attrs._id),
      attempt: job.attrs.failCount,
    };
    if (jobsWithRetries.has(job.attrs.name)) log.warn(fields, 'job failed; retry scheduled');
    else log.error(fields, 'job failed');
  });
  agenda.on('retry exhausted', (error, job) => {
    log.error(
      {
        err: error,
        job: job.attrs.name,
        jobId: String(job.attrs._id),
        attempt: job.attrs.failCount,
      },
      'job out of retries; the reconcile pass will retry it',
    );
  });
}
