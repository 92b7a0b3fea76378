// The only module that decides where Agenda keeps its jobs: MongoDB when MONGODB_URL is set,
// otherwise the application's PostgreSQL, woken through LISTEN/NOTIFY.
import type { AgendaBackend, NotificationChannel } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';

import type { Logger } from '../logger.js';

/** A connected job store, ready to hand to Agenda's constructor. */
export interface JobStore {
  kind: 'postgres' | 'mongodb';
  /** The backend, already connected. Its connect() does nothing, so Agenda's constructor starts no connection. */
  backend: AgendaBackend;
  /** Whether an insert failed on the unique (job name, request id) index. */
  isDuplicateKeyError(error: unknown): boolean;
  /** Deletes the jobs named `name` of these requests in one query; Agenda can only do one. */
  deleteRequestJobs(name: string, requestIds: readonly string[]): Promise<void>;
  /** Whether the store responds to a trivial query now. */
  isReachable(): Promise<boolean>;
}

export interface JobStoreOptions {
  mongodbUrl?: string;
  /** The application's pool; the PostgreSQL store shares it and never ends it. */
  pool: pg.Pool;
  log: Logger;
}

/**
 * Connects the job store and creates the index that keeps one job per request and kind. Throws
 * when the store cannot be reached, before Agenda exists: Agenda connects in its constructor and
 * turns a failed connection into an unhandled rejection.
 */
export async function openJobStore(options: JobStoreOptions): Promise<JobStore> {
  const store = options.mongodbUrl
    ? await openMongoStore(options.mongodbUrl)
    : await openPostgresStore(options.pool);
  options.log.info({ store: store.kind }, 'job store connected');
  return store;
}

/** Advisory lock key that serialises the job table's DDL between server processes. */
const schemaLockKey = 727_002;

async function openPostgresStore(pool: pg.Pool): Promise<JobStore> {
  const backend = new PostgresBackend({ pool });
  // The backend creates its table, function and trigger on connect. Two servers doing that at once
  // fail with "tuple concurrently updated", so the DDL runs under an advisory lock.
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [schemaLockKey]);
    await backend.connect();
    // Agenda's unique() upsert is a SELECT followed by an INSERT, so two processes scheduling the
    // same request at once could insert two rows. This index rejects the second. The GIN index
    // serves the `data @>` filter with which Agenda cancels a request's jobs.
    await client.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS agenda_jobs_request_job_idx
         ON agenda_jobs (name, (data ->> 'requestId'))`,
    );
    await client.query(
      `CREATE INDEX IF NOT EXISTS agenda_jobs_data_idx ON agenda_jobs USING gin (data jsonb_path_ops)`,
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [schemaLockKey]).catch(() => undefined);
    client.release();
  }
  return {
    kind: 'postgres',
    backend: alreadyConnected(backend),
    isDuplicateKeyError: (error) => (error as { code?: string } | null)?.code === '23505',
    deleteRequestJobs: async (name, requestIds) => {
      await pool.query(
        `DELETE FROM agenda_jobs WHERE name = $1 AND (data ->> 'requestId') = ANY($2::text[])`,
        [name, requestIds],
      );
    },
    isReachable: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
  };
}

async function openMongoStore(url: string): Promise<JobStore> {
  // Loaded only when configured, so a PostgreSQL deployment never loads the MongoDB driver.
  const { MongoBackend, MongoJobRepository } = await import('@agendajs/mongo-backend');
  const backend = new MongoBackend({ address: url });
  await backend.connect();
  const db = (backend.repository as InstanceType<typeof MongoJobRepository>).getDb();
  // MongoBackend's default collection name.
  const jobs = db.collection('agendaJobs');
  // Same purpose as the PostgreSQL unique index: one job per request and kind. The partial
  // filter leaves the recurring jobs, which carry no request id, out of the index.
  await jobs.createIndex(
    { name: 1, 'data.requestId': 1 },
    { unique: true, partialFilterExpression: { 'data.requestId': { $exists: true } } },
  );
  return {
    kind: 'mongodb',
    backend: alreadyConnected(backend),
    isDuplicateKeyError: (error) => (error as { code?: number } | null)?.code === 11000,
    deleteRequestJobs: async (name, requestIds) => {
      await jobs.deleteMany({ name, 'data.requestId': { $in: [...requestIds] } });
    },
    isReachable: async () => {
      try {
        await db.command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Wraps a connected backend so that Agenda's constructor does not connect it a second time. */
function alreadyConnected(backend: AgendaBackend): AgendaBackend {
  return {
    name: backend.name,
    repository: backend.repository,
    notificationChannel:
      backend.notificationChannel && withoutStateEvents(backend.notificationChannel),
    logger: backend.logger,
    ownsConnection: backend.ownsConnection,
    connect: async () => undefined,
    disconnect: () => backend.disconnect(),
  };
}

/**
 * Passes a notification channel through without its job state events. When the channel offers
 * them, Agenda publishes a start, a success and a complete event for every run to every other
 * process: three NOTIFY statements per job with PostgreSQL. Nothing here listens to other
 * processes' job events, and under a burst of session ends those statements cost more than the jobs.
 */
function withoutStateEvents(channel: NotificationChannel): NotificationChannel {
  type Listener = (...args: never[]) => void;
  // The interface declares one overload per event; both forward unchanged.
  const forward = (method: 'on' | 'off') =>
    ((event: string, listener: Listener) => {
      (channel[method] as (event: string, listener: Listener) => unknown).call(
        channel,
        event,
        listener,
      );
      return wrapper;
    }) as NotificationChannel['on'] & NotificationChannel['off'];
  const wrapper: NotificationChannel = {
    get state() {
      return channel.state;
    },
    connect: () => channel.connect(),
    disconnect: () => channel.disconnect(),
    subscribe: (handler) => channel.subscribe(handler),
    publish: (notification) => channel.publish(notification),
    on: forward('on'),
    off: forward('off'),
  };
  return wrapper;
}
