// Benchmark of the end job under load: N ACTIVE sessions, each with one device session, whose
// expiries fall within one minute. Rows go in with set-based SQL, and every end job is scheduled
// through the application's TransitionScheduler, as after an approval. Reports the lag from the
// planned expiry to the transition and to the devices' remove notification, and the transition rate.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';

import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase } from '../src/db/migrate.js';
import type { DeviceNotifier } from '../src/domain/context.js';
import { createLogger } from '../src/logger.js';
import { openBenchDatabase } from './lib/bench-database.js';

const usage = `Environment:
  BENCH_SIZES              comma-separated session counts, default 1000,10000
  BENCH_WINDOW_SECONDS     the expiries spread evenly over this window, default 60
  BENCH_DATABASE_URL       database to drop, re-create and use (its name must contain "bench");
                           unset: an embedded PostgreSQL in a temporary folder
  DATABASE_POOL_SIZE, JOBS_PROCESS_EVERY_MS   passed to the application as usual`;

function readSizes(): number[] {
  const raw = process.env.BENCH_SIZES || '1000,10000';
  const sizes = raw.split(',').map((part) => Number(part.trim().replaceAll('_', '')));
  if (sizes.some((size) => !Number.isInteger(size) || size <= 0)) {
    throw new Error(`BENCH_SIZES must list positive integers, not '${raw}'.\n${usage}`);
  }
  return sizes;
}

const settings = {
  sizes: readSizes(),
  windowMs: Number(process.env.BENCH_WINDOW_SECONDS || 60) * 1000,
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
};

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

interface RunResult {
  sessions: number;
  /** CPU time of this process (server and benchmark) from the first expiry to the last end. */
  cpuMs: number;
  /** Wall-clock time from the first expiry until every session had ended. */
  windowMs: number;
  scheduleMs: number;
  transitionLagMs: number[];
  notificationLagMs: number[];
  /** Wall-clock span from the first to the last transition, in ms. */
  transitionSpanMs: number;
  /** Most transitions committed within one wall-clock second. */
  peakPerSecond: number;
  missing: number;
}

async function main(): Promise<void> {
  const database = await openBenchDatabase({ url: settings.databaseUrl, reuse: false });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-bench-expiry-'));
  let app: App | null = null;
  try {
    print(`database: ${database.description}`);
    await migrateDatabase(database.url, createLogger('silent'));
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    });
    app = await createApp({
      config,
      log: createLogger(config.log.level),
      databaseUrl: database.url,
    });
    print(
      `app: pool ${config.database.poolSize} connections, Agenda processEvery ${config.jobs.processEveryMs} ms`,
    );
    const notifications = hookNotifier(app);

    for (const sessions of settings.sizes) {
      const result = await runOnce(app, notifications, sessions);
      report(result);
    }
  } finally {
    await app?.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Wraps the application's DeviceNotifier to record when each device was first notified. */
function hookNotifier(app: App): Map<string, number> {
  const notifiedAt = new Map<string, number>();
  const original = app.domain.notifier;
  const hooked: DeviceNotifier = {
    devicesChanged: (deviceIds) => {
      const now = Date.now();
      for (const id of deviceIds) if (!notifiedAt.has(id)) notifiedAt.set(id, now);
      original.devicesChanged(deviceIds);
    },
    settingsChanged: (deviceIds) => original.settingsChanged(deviceIds),
  };
  // The job handlers read the notifier from this shared context object at each call.
  app.domain.notifier = hooked;
  return notifiedAt;
}

async function runOnce(
  app: App,
  notifiedAt: Map<string, number>,
  sessions: number,
): Promise<RunResult> {
  const pool = app.database.pool;
  const runId = randomBytes(4).toString('hex');
  // Leave time to schedule every job before the first expiry: 1 to 2 ms per job measured here.
  const leadMs = 10_000 + sessions * 3;
  const firstExpiry = Date.now() + leadMs;
  const stepMs = settings.windowMs / sessions;
  print();
  print(
    `${sessions} sessions expiring over ${settings.windowMs / 1000} s, starting in ${leadMs / 1000} s`,
  );

  let started = performance.now();
  await insertSessions(pool, runId, sessions, firstExpiry, stepMs);
  print(`  inserted requests, devices and device sessions in ${ms(performance.now() - started)}`);

  started = performance.now();
  const scheduler = app.domain.scheduler;
  await forEachLimited(sessions, 8, (index) =>
    scheduler.scheduleEnd(requestId(runId, index), new Date(expiryOf(firstExpiry, stepMs, index))),
  );
  const scheduleMs = performance.now() - started;
  print(
    `  scheduled ${sessions} end jobs in ${ms(scheduleMs)} (${Math.round(sessions / (scheduleMs / 1000))}/s)`,
  );
  if (Date.now() > firstExpiry) print('  WARNING: scheduling ran past the first expiry');

  const lastExpiry = expiryOf(firstExpiry, stepMs, sessions - 1);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry - Date.now())));
  const cpuBefore = process.cpuUsage();
  const windowStarted = performance.now();
  await waitForAllEnded(pool, runId, sessions, lastExpiry + 120_000);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const windowMs = performance.now() - windowStarted;

  const { rows } = await pool.query<{ id: string; planned: Date; lag_ms: number; at: Date }>(
    `SELECT r.id, r."expiresAt" AS planned, (a.details ->> 'lagMs')::int AS lag_ms, a.at
       FROM "JitRequest" r JOIN "AuditEvent" a ON a."requestId" = r.id AND a.action = 'request.ended'
      WHERE r.id LIKE $1`,
    [`req_bench_${runId}_%`],
  );
  const transitionLagMs = rows.map((row) => row.lag_ms);
  const notificationLagMs: number[] = [];
  for (let index = 0; index < sessions; index += 1) {
    const at = notifiedAt.get(deviceId(runId, index));
    if (at !== undefined) notificationLagMs.push(at - expiryOf(firstExpiry, stepMs, index));
  }
  if (process.env.BENCH_TIMELINE === '1') printTimeline(rows, firstExpiry);
  const times = rows.map((row) => row.at.getTime()).sort((a, b) => a - b);
  return {
    sessions,
    cpuMs,
    windowMs,
    scheduleMs,
    transitionLagMs,
    notificationLagMs,
    transitionSpanMs: times[times.length - 1]! - times[0]!,
    peakPerSecond: peakPerSecond(times),
    missing: sessions - rows.length,
  };
}

/** Prints, per 5 s of planned expiries, how many sessions ended and their worst lag. */
function printTimeline(rows: { planned: Date; lag_ms: number }[], firstExpiry: number): void {
  const buckets = new Map<number, { count: number; maxLagMs: number }>();
  for (const row of rows) {
    const bucket = Math.floor((row.planned.getTime() - firstExpiry) / 5000);
    const entry = buckets.get(bucket) ?? { count: 0, maxLagMs: 0 };
    entry.count += 1;
    entry.maxLagMs = Math.max(entry.maxLagMs, row.lag_ms);
    buckets.set(bucket, entry);
  }
  for (const [bucket, entry] of [...buckets].sort((a, b) => a[0] - b[0])) {
    print(`    planned +${bucket * 5} s: ${entry.count} ended, max lag ${ms(entry.maxLagMs)}`);
  }
}

function requestId(runId: string, index: number) {
  return `req_bench_${runId}_${index}`;
}

function deviceId(runId: string, index: number) {
  return `dev_bench_${runId}_${index}`;
}

function expiryOf(firstExpiry: number, stepMs: number, index: number): number {
  return Math.round(firstExpiry + index * stepMs);
}

/** Inserts one device, one ACTIVE request and one WAITING device session per index. */
async function insertSessions(
  pool: pg.Pool,
  runId: string,
  sessions: number,
  firstExpiry: number,
  stepMs: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO "Device" (id, name, platform, "tokenHash")
     SELECT 'dev_bench_' || $1 || '_' || i, 'bench-mac-' || $1 || '-' || i, 'macos',
            'bench-' || $1 || '-' || i
       FROM generate_series(0, $2 - 1) AS i`,
    [runId, sessions],
  );
  await pool.query(
    `INSERT INTO "JitRequest" (id, name, "userAccountName", "durationType", "durationSeconds",
            status, "requesterKind", "requestedBy", "requestedAt", "approvedBy", "approvedAt",
            "startedAt", "expiresAt", "updatedAt")
     SELECT 'req_bench_' || $1 || '_' || i, 'bench expiry', 'alice', 'FIXED', 600, 'ACTIVE',
            'ADMIN', 'bench', now(), 'bench', now(), now(),
            to_timestamp(round($3::float8 + i * $4::float8) / 1000.0), now()
       FROM generate_series(0, $2 - 1) AS i`,
    [runId, sessions, firstExpiry, stepMs],
  );
  await pool.query(
    `INSERT INTO "JitRequestTarget" (id, "requestId", "deviceId")
     SELECT 'tgt_bench_' || $1 || '_' || i, 'req_bench_' || $1 || '_' || i,
            'dev_bench_' || $1 || '_' || i
       FROM generate_series(0, $2 - 1) AS i`,
    [runId, sessions],
  );
  await pool.query(
    `INSERT INTO "DeviceSession" (id, "requestId", "deviceId", state, "updatedAt")
     SELECT 'ses_bench_' || $1 || '_' || i, 'req_bench_' || $1 || '_' || i,
            'dev_bench_' || $1 || '_' || i, 'WAITING', now()
       FROM generate_series(0, $2 - 1) AS i`,
    [runId, sessions],
  );
}

async function waitForAllEnded(pool: pg.Pool, runId: string, sessions: number, deadline: number) {
  for (;;) {
    const { rows } = await pool.query<{ active: number }>(
      `SELECT count(*)::int AS active FROM "JitRequest" WHERE id LIKE $1 AND status = 'ACTIVE'`,
      [`req_bench_${runId}_%`],
    );
    if (rows[0]!.active === 0) return;
    if (Date.now() > deadline) {
      print(`  WARNING: ${rows[0]!.active} of ${sessions} sessions still ACTIVE at the deadline`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function forEachLimited(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function peakPerSecond(sortedTimes: number[]): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sortedTimes.length; end += 1) {
    while (sortedTimes[end]! - sortedTimes[start]! >= 1000) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function describeLag(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? Number.NaN)} (${sorted.length} samples)`;
}

function report(result: RunResult): void {
  print(
    `  transition lag (planned expiry to transaction start): ${describeLag(result.transitionLagMs)}`,
  );
  print(
    `  remove notification lag (after commit):                ${describeLag(result.notificationLagMs)}`,
  );
  const average = result.sessions / Math.max(1, result.transitionSpanMs / 1000);
  print(
    `  transitions: ${result.sessions - result.missing} over ${ms(result.transitionSpanMs)} (${average.toFixed(0)}/s on average, peak ${result.peakPerSecond} in one second)`,
  );
  print(
    `  CPU of this process from the first expiry to the last end: ${ms(result.cpuMs)} in ${ms(result.windowMs)} (${Math.round((result.cpuMs / result.windowMs) * 100)} % of one core)`,
  );
  if (result.missing > 0) print(`  WARNING: ${result.missing} sessions have no end audit row`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
