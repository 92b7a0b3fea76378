// Benchmark of subscription fan-out: one request change delivered to 100 and to 1,000 graphql-ws
// subscribers of one server process. The subscribers run in a child process (this file started
// with --subscribers), so their parsing does not run on the server's event loop. Latency is
// measured from the publish call to the last subscriber's delivery, on the wall clock that both
// processes share. Settings come from BENCH_* variables, listed in usage below.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase } from '../src/db/migrate.js';
import type { Actor, RequestChange } from '../src/domain/context.js';
import { enrollDevice } from '../src/domain/devices/devices.js';
import { createJitRequest } from '../src/domain/requests/create-request.js';
import { extendRequest } from '../src/domain/requests/transitions.js';
import { createLogger } from '../src/logger.js';
import { signConsoleToken } from '../src/tokens.js';
import { openBenchDatabase } from './lib/bench-database.js';
import { percentile } from './lib/measure.js';

const usage = `Environment:
  BENCH_SUBSCRIBERS    comma-separated subscriber counts, default 100,1000
  BENCH_EVENTS         measured changes per run, default 30
  BENCH_WARMUP         unmeasured changes first, default 5
  BENCH_DATABASE_URL   database to drop, re-create and use (its name must contain "bench");
                       unset: an embedded PostgreSQL in a temporary folder
  BENCH_CPU_PROFILE    folder for a V8 CPU profile of the server during each run's measured
                       changes (fanout-<subscribers>.cpuprofile); unset: no profile`;

function readPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, not '${raw}'.\n${usage}`);
  }
  return value;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const wallClockMs = () => performance.timeOrigin + performance.now();

/** The selection a Live-tab dashboard row needs. */
const dashboardSelection = `id status extensionSeconds expiresAt remainingSeconds name userAccountName
  requestedBy devices { id name online } deviceSessions { state }`;

const subscriptionQuery = `subscription ($ids: [ID!]) {
  jitRequestChanged(tabs: [ACTIVE], ids: $ids) { action request { ${dashboardSelection} } }
}`;

/**
 * Variables of one subscriber. With `distinct`, each subscriber also names an id of its own, as
 * consoles watching different requests would, so no two subscribers share an execution.
 */
function subscriptionVariables(index: number, requestId: string, distinct: boolean) {
  return distinct ? { ids: [requestId, `req_subscriber${index}`] } : {};
}

// ---------------------------------------------------------------------------------------------
// Subscriber process

type ToSubscribers = { type: 'measure' } | { type: 'stop' };
type FromSubscribers =
  | { type: 'connected' }
  | { type: 'live' }
  | { type: 'delivered'; key: number; firstMs: number; lastMs: number }
  | { type: 'cpu'; userMs: number; systemMs: number }
  | { type: 'failed'; message: string };

async function runSubscribers(): Promise<void> {
  const send = (message: FromSubscribers) => process.send!(message);
  const url = process.env.FANOUT_URL!;
  const token = process.env.FANOUT_TOKEN!;
  const count = Number(process.env.FANOUT_COUNT);
  const requestId = process.env.FANOUT_REQUEST_ID!;
  const distinct = process.env.FANOUT_DISTINCT === '1';

  const liveSubscribers = new Set<number>();
  const deliveries = new Map<number, { count: number; firstMs: number; lastMs: number }>();
  let cpuStart = process.cpuUsage();

  const clients = Array.from({ length: count }, (_, index) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: (error) => send({ type: 'failed', message: String(error) }),
    });
    client.subscribe(
      { query: subscriptionQuery, variables: subscriptionVariables(index, requestId, distinct) },
      {
        next: (result) => onResult(index, result),
        error: (error) => send({ type: 'failed', message: JSON.stringify(error) }),
        complete: () => undefined,
      },
    );
    return client;
  });
  send({ type: 'connected' });

  function onResult(index: number, result: { data?: any; errors?: unknown }) {
    const receivedMs = wallClockMs();
    const change = result.data?.jitRequestChanged;
    if (!change) {
      send({ type: 'failed', message: JSON.stringify(result.errors) });
      return;
    }
    if (change.action === 'PROBE') {
      if (liveSubscribers.size < count) {
        liveSubscribers.add(index);
        if (liveSubscribers.size === count) send({ type: 'live' });
      }
      return;
    }
    const key = change.request.extensionSeconds as number;
    const entry = deliveries.get(key) ?? { count: 0, firstMs: receivedMs, lastMs: receivedMs };
    entry.count += 1;
    entry.firstMs = Math.min(entry.firstMs, receivedMs);
    entry.lastMs = Math.max(entry.lastMs, receivedMs);
    deliveries.set(key, entry);
    if (entry.count === count) {
      send({ type: 'delivered', key, firstMs: entry.firstMs, lastMs: entry.lastMs });
      deliveries.delete(key);
    }
  }

  process.on('message', async (message: ToSubscribers) => {
    if (message.type === 'measure') cpuStart = process.cpuUsage();
    if (message.type !== 'stop') return;
    const cpu = process.cpuUsage(cpuStart);
    send({ type: 'cpu', userMs: cpu.user / 1000, systemMs: cpu.system / 1000 });
    await Promise.all(clients.map((client) => client.dispose()));
    process.disconnect();
  });
}

// ---------------------------------------------------------------------------------------------
// Server process

interface RunResult {
  subscribers: number;
  distinct: boolean;
  lastDeliveryMs: number[];
  firstDeliveryMs: number[];
  serverCpuMs: number;
  subscriberCpuMs: number;
  queriesPerEvent: number;
}

const benchActor: Actor = { kind: 'admin', id: 'bench-admin', role: 'admin' };

async function main(): Promise<void> {
  const settings = {
    subscriberCounts: (process.env.BENCH_SUBSCRIBERS ?? '100,1000')
      .split(',')
      .map((value) => Number(value.trim())),
    events: readPositiveInt('BENCH_EVENTS', 30),
    warmup: readPositiveInt('BENCH_WARMUP', 5),
  };
  if (settings.subscriberCounts.some((count) => !Number.isInteger(count) || count <= 0)) {
    throw new Error(`BENCH_SUBSCRIBERS must list positive integers.\n${usage}`);
  }

  const log = createLogger('silent');
  const database = await openBenchDatabase({
    url: process.env.BENCH_DATABASE_URL || undefined,
    reuse: false,
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-bench-data-'));
  let app: App | null = null;
  try {
    print(`database: ${database.description}`);
    await migrateDatabase(database.url, log);
    const jwtSecret = randomBytes(32).toString('hex');
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '0',
      JWT_SECRET: jwtSecret,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JIT_MAX_DURATION_SECONDS: '10000000',
    });
    app = await createApp({ config, log, databaseUrl: database.url });
    // pool.end() can resolve while idle connections are still closing. When the embedded server
    // stops right after, those connections fail, and without a listener the error ends the process.
    app.database.pool.on('error', () => undefined);
    const { url } = await app.listen();
    const token = await signConsoleToken(jwtSecret, { sub: 'bench-auditor', role: 'auditor' });
    const requestId = await createBenchRequest(app);
    const queryCounter = countQueries(app);

    for (const distinct of [false, true]) {
      for (const subscribers of settings.subscriberCounts) {
        const result = await runOnce(app, {
          wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
          token,
          requestId,
          subscribers,
          distinct,
          events: settings.events,
          warmup: settings.warmup,
          queryCounter,
        });
        report(result, settings.events);
      }
    }
  } finally {
    await app?.close();
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function createBenchRequest(app: App): Promise<string> {
  const { device } = await enrollDevice(app.domain, benchActor, {
    name: 'bench-mac',
    platform: 'macos',
  });
  const request = await createJitRequest(app.domain, benchActor, {
    name: 'fan-out',
    userAccountName: 'alice',
    durationType: 'FIXED',
    durationSeconds: 3_600,
    deviceIds: [device.id],
  });
  return request.id;
}

/** Counts SQL statements on the application's pool, to report reads per event. */
function countQueries(app: App): { value: number } {
  const counter = { value: 0 };
  app.database.pool.on('acquire', (client) => {
    const marked = client as typeof client & { benchCounted?: boolean };
    if (marked.benchCounted) return;
    marked.benchCounted = true;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      counter.value += 1;
      return query(...args);
    };
  });
  return counter;
}

interface RunOptions {
  wsUrl: string;
  token: string;
  requestId: string;
  subscribers: number;
  /** Whether every subscriber runs an operation of its own (see subscriptionVariables). */
  distinct: boolean;
  events: number;
  warmup: number;
  queryCounter: { value: number };
}

async function runOnce(app: App, options: RunOptions): Promise<RunResult> {
  const profiler = process.env.BENCH_CPU_PROFILE
    ? createProfiler(process.env.BENCH_CPU_PROFILE)
    : null;
  const publishTimes = new Map<number, number>();
  const publisher = app.domain.publisher;
  // Stamp each change as it is published; the key is the request's extensionSeconds afterwards.
  let nextKey = 0;
  app.domain.publisher = {
    publishRequestChange: (change: RequestChange) => {
      if (change.action === 'EXTENDED') publishTimes.set(nextKey, wallClockMs());
      publisher.publishRequestChange(change);
    },
  };

  const child = startSubscribers(options);
  try {
    await child.waitFor('connected', 120_000);
    await publishProbesUntilLive(app, child, options.requestId);

    const current = await app.database.prisma.jitRequest.findUniqueOrThrow({
      where: { id: options.requestId },
      select: { extensionSeconds: true },
    });
    let extensionSeconds = current.extensionSeconds;
    const lastDeliveryMs: number[] = [];
    const firstDeliveryMs: number[] = [];
    let cpuStart = process.cpuUsage();
    let queriesAtStart = options.queryCounter.value;

    for (let round = 0; round < options.warmup + options.events; round += 1) {
      if (round === options.warmup) {
        child.send({ type: 'measure' });
        await profiler?.start();
        cpuStart = process.cpuUsage();
        queriesAtStart = options.queryCounter.value;
      }
      extensionSeconds += 1;
      nextKey = extensionSeconds;
      const delivered = child.waitFor('delivered', 60_000);
      await extendRequest(app.domain, benchActor, { id: options.requestId, additionalSeconds: 1 });
      const message = (await delivered) as Extract<FromSubscribers, { type: 'delivered' }>;
      if (message.key !== extensionSeconds) {
        throw new Error(`expected change ${extensionSeconds}, got ${message.key}`);
      }
      const publishedMs = publishTimes.get(message.key)!;
      if (round >= options.warmup) {
        lastDeliveryMs.push(message.lastMs - publishedMs);
        firstDeliveryMs.push(message.firstMs - publishedMs);
      }
    }
    const serverCpu = process.cpuUsage(cpuStart);
    const queries = options.queryCounter.value - queriesAtStart;
    await profiler?.stop(
      `fanout-${options.subscribers}${options.distinct ? '-distinct' : ''}.cpuprofile`,
    );
    child.requestStop();
    const cpu = (await child.waitFor('cpu', 60_000)) as Extract<FromSubscribers, { type: 'cpu' }>;
    return {
      subscribers: options.subscribers,
      distinct: options.distinct,
      lastDeliveryMs,
      firstDeliveryMs,
      serverCpuMs: (serverCpu.user + serverCpu.system) / 1000,
      subscriberCpuMs: cpu.userMs + cpu.systemMs,
      queriesPerEvent: queries / options.events,
    };
  } finally {
    app.domain.publisher = publisher;
    child.requestStop();
    await child.stop();
  }
}

/** Records a V8 CPU profile of this process between start() and stop(). */
function createProfiler(folder: string) {
  const session = new Session();
  session.connect();
  return {
    start: async () => {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    stop: async (fileName: string) => {
      const { profile } = await session.post('Profiler.stop');
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, fileName), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function publishProbesUntilLive(app: App, child: SubscriberProcess, requestId: string) {
  const live = child.waitFor('live', 120_000);
  let isLive = false;
  void live.then(() => (isLive = true)).catch(() => undefined);
  while (!isLive) {
    app.domain.publisher.publishRequestChange({ action: 'PROBE', requestId, status: 'ACTIVE' });
    await Promise.race([live, new Promise((resolve) => setTimeout(resolve, 500))]);
  }
  await live;
}

interface SubscriberProcess {
  waitFor(type: FromSubscribers['type'], timeoutMs: number): Promise<FromSubscribers>;
  send(message: ToSubscribers): void;
  /** Asks the process, once, to report its CPU time, close its sockets and exit. */
  requestStop(): void;
  /** Waits for the process to exit. */
  stop(): Promise<void>;
}

function startSubscribers(options: RunOptions): SubscriberProcess {
  const child: ChildProcess = fork(import.meta.filename, ['--subscribers'], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      FANOUT_URL: options.wsUrl,
      FANOUT_TOKEN: options.token,
      FANOUT_COUNT: String(options.subscribers),
      FANOUT_REQUEST_ID: options.requestId,
      FANOUT_DISTINCT: options.distinct ? '1' : '0',
    },
  });
  const inbox: FromSubscribers[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let stopRequested = false;
  child.on('message', (message: FromSubscribers) => {
    if (message.type === 'failed') failure = new Error(`subscriber failed: ${message.message}`);
    else inbox.push(message);
    wake?.();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      failure ??= new Error(`subscriber process exited with ${code}`);
      wake?.();
      resolve();
    });
  });
  child.on('error', (error) => {
    failure ??= error;
    wake?.();
  });

  return {
    async waitFor(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex((message) => message.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        if (failure) throw failure;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no '${type}' from the subscribers in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
        });
      }
    },
    send: (message) => child.send(message),
    requestStop: () => {
      if (stopRequested || !child.connected) return;
      stopRequested = true;
      child.send({ type: 'stop' });
    },
    // After 'stop' the process closes its sockets and exits by itself; the kill is a fallback.
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function report(result: RunResult, events: number): void {
  const last = [...result.lastDeliveryMs].sort((a, b) => a - b);
  const first = [...result.firstDeliveryMs].sort((a, b) => a - b);
  print(
    [
      `subscribers ${result.subscribers}`.padEnd(17),
      (result.distinct ? 'one operation each' : 'one shared operation').padEnd(21),
      `last delivery p50 ${format(percentile(last, 50))} p95 ${format(percentile(last, 95))} max ${format(last.at(-1)!)}`,
      `first delivery p50 ${format(percentile(first, 50))}`,
      `server CPU ${format(result.serverCpuMs / events)}/event`,
      `subscriber CPU ${format(result.subscriberCpuMs / events)}/event`,
      `SQL ${result.queriesPerEvent.toFixed(1)}/event`,
    ].join('  '),
  );
}

function format(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

if (process.argv.includes('--subscribers')) {
  runSubscribers().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: String(error) });
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
