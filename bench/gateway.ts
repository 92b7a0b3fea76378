// Gateway benchmark: 10,000 agent connections to one server process.
//
//   npm run bench:gateway                      # 10,000 devices
//   BENCH_DEVICES=2000 npm run bench:gateway   # a smaller run
//
// The server (src/main.ts) runs as a child process on a fresh database of the PostgreSQL server at
// BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres). The devices are
// enrolled with direct inserts of token hashes. A second child process (bench/gateway-clients.ts)
// opens one WebSocket per device. The script prints:
//   - server RSS per idle connection: (RSS with every agent connected - RSS before) / devices;
//   - server CPU time per heartbeat: CPU over a window with heartbeats minus a window without,
//     divided by the heartbeats sent in the first window;
//   - time from the createJitRequest mutation on a group of every device to the last ack
//     recorded in the database (max DeviceSession.appliedAt).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { generateAgentToken, hashAgentToken } from '../src/domain/devices/agent-token.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { signConsoleToken } from '../src/tokens.js';
import type { ClientCommand, ClientStats } from './gateway-clients.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const deviceCount = Number(process.env.BENCH_DEVICES ?? 10_000);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const heartbeatIntervalSeconds = 30;
const heartbeatWindowMs = 60_000;
const quietWindowMs = 30_000;
const jwtSecret = randomBytes(32).toString('base64url');
const clockTicksPerSecond = 100;
/** How long to wait for every device to apply the grant before reporting what was reached. */
const applyTimeoutMs = 600_000;

const log = createLogger('warn');
const serverLogPath = path.join(os.tmpdir(), `jit-bench-gateway-server-${process.pid}.log`);

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resident set size of a process in bytes, from /proc (Linux only). */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`No VmRSS in /proc/${pid}/status.`);
  return Number(match[1]) * 1024;
}

/** User plus system CPU time of a process in milliseconds, from /proc/PID/stat. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / clockTicksPerSecond;
}

/** Runs `node --import tsx FILE` with the open-file limit raised for thousands of sockets. */
function spawnNode(file: string, env: NodeJS.ProcessEnv, ipc: boolean): ChildProcess {
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx "$1"`;
  return spawn('/bin/sh', ['-c', command, process.execPath, file], {
    cwd: projectRoot,
    env,
    stdio: ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
}

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `jit_bench_gateway_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString(), log);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Inserts the devices (token hashes only) and one group holding all of them. */
async function enrollDevices(pool: pg.Pool): Promise<{ tokens: string[]; groupId: string }> {
  const tokens = Array.from({ length: deviceCount }, () => generateAgentToken());
  const deviceIds: string[] = [];
  const batchSize = 2000;
  for (let start = 0; start < tokens.length; start += batchSize) {
    const batch = tokens.slice(start, start + batchSize);
    const names = batch.map((_, index) => `bench-mac-${start + index}`);
    const result = await pool.query<{ id: string }>(
      `INSERT INTO "Device" (name, platform, "tokenHash")
       SELECT name, 'macos', hash FROM unnest($1::text[], $2::text[]) AS t(name, hash)
       RETURNING id`,
      [names, batch.map(hashAgentToken)],
    );
    deviceIds.push(...result.rows.map((row) => row.id));
  }
  const group = await pool.query<{ id: string }>(
    `INSERT INTO "DeviceGroup" (name) VALUES ('bench-fleet') RETURNING id`,
  );
  const groupId = group.rows[0]!.id;
  await pool.query(
    `INSERT INTO "DeviceGroupMember" ("deviceId", "groupId") SELECT unnest($1::text[]), $2`,
    [deviceIds, groupId],
  );
  return { tokens, groupId };
}

async function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const server = spawnNode(
    'src/main.ts',
    {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      AGENT_HEARTBEAT_INTERVAL_SECONDS: String(heartbeatIntervalSeconds),
    },
    false,
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Server did not start: ${output}`)), 120_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('JIT admin server ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => reject(new Error(`Server exited with code ${code}: ${output}`)));
  });
  // The server logs warnings and errors only; they are kept for a look after the run.
  server.stdout!.pipe(createWriteStream(serverLogPath));
  return server;
}

/** Sends one command to the client process and waits for the reply of type `replyType`. */
function ask<T>(clients: ChildProcess, command: ClientCommand, replyType: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== replyType) return;
      clients.off('message', onMessage);
      resolve(message as T);
    };
    clients.on('message', onMessage);
    clients.send(command);
  });
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await sleep(100);
  }
}

/** Everything the run started, stopped by cleanUp() at the end, on failure and on SIGINT. */
let database: { url: string; drop(): Promise<void> } | null = null;
let pool: pg.Pool | null = null;
let server: ChildProcess | null = null;
let clients: ChildProcess | null = null;

let cleaning: Promise<void> | null = null;

/** Stops everything once; a signal arriving during a failing run waits for the same cleanup. */
function cleanUp(): Promise<void> {
  cleaning ??= stopEverything();
  return cleaning;
}

async function stopEverything(): Promise<void> {
  if (clients?.connected) await ask(clients, { type: 'close' }, 'closed').catch(() => undefined);
  clients?.kill('SIGKILL');
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    server.kill('SIGKILL');
  }
  await pool?.end();
  await database?.drop();
}

/** Connects every agent and returns the server's RSS growth per connection. */
async function measureConnections(
  db: pg.Pool,
  serverPid: number,
  port: number,
  tokens: string[],
): Promise<{ welcomed: number; rssBefore: number; rssAfter: number }> {
  const rssBefore = rssBytes(serverPid);
  clients = spawnNode('bench/gateway-clients.ts', { ...process.env }, true);
  await new Promise<void>((resolve) => clients!.once('message', () => resolve()));
  const started = performance.now();
  const connected = await ask<ClientStats>(
    clients,
    { type: 'connect', url: `ws://127.0.0.1:${port}/agent`, tokens, concurrency: 200 },
    'connected',
  );
  print(
    `connected ${connected.welcomed} agents in ${Math.round(performance.now() - started)} ms (${connected.connectFailures} failed)`,
  );
  const online = await waitFor(
    async () => (await db.query('SELECT count(*)::int AS n FROM "Device" WHERE online')).rows[0].n,
    (count) => count >= deviceCount,
    60_000,
  );
  print(`devices marked online: ${online}`);
  // Let the connection burst settle before reading memory.
  await sleep(10_000);
  return { welcomed: connected.welcomed, rssBefore, rssAfter: rssBytes(serverPid) };
}

/** Server CPU in a window with heartbeats, and in a window with the clients silent. */
async function measureHeartbeats(serverPid: number) {
  const stats = () => ask<ClientStats>(clients!, { type: 'stats' }, 'stats');
  const cpuBefore = cpuMs(serverPid);
  const heartbeatsBefore = (await stats()).heartbeatsSent;
  await sleep(heartbeatWindowMs);
  const busyCpuMs = cpuMs(serverPid) - cpuBefore;
  const heartbeats = (await stats()).heartbeatsSent - heartbeatsBefore;

  // Silent for less than three intervals, so the server does not close the connections.
  await ask(clients!, { type: 'pause-heartbeats', paused: true }, 'paused');
  const cpuBeforeQuiet = cpuMs(serverPid);
  await sleep(quietWindowMs);
  const quietCpuMs = cpuMs(serverPid) - cpuBeforeQuiet;
  await ask(clients!, { type: 'pause-heartbeats', paused: false }, 'paused');

  const baselineCpuMs = (quietCpuMs * heartbeatWindowMs) / quietWindowMs;
  const perHeartbeatUs = ((busyCpuMs - baselineCpuMs) * 1000) / heartbeats;
  return { heartbeats, busyCpuMs, quietCpuMs, perHeartbeatUs };
}

/** Grants an account on the group of every device and waits until every device session is APPLIED. */
async function measureGrant(db: pg.Pool, port: number, groupId: string) {
  const adminToken = await signConsoleToken(jwtSecret, { sub: 'bench', role: 'admin' });
  const mutationStartedAtMs = Date.now();
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id status } }`,
      variables: {
        input: {
          name: 'bench fleet grant',
          userAccountName: 'benchuser',
          durationType: 'FIXED',
          durationSeconds: 3600,
          deviceGroupIds: [groupId],
        },
      },
    }),
  });
  const body = (await response.json()) as {
    data?: { createJitRequest: { id: string } };
    errors?: unknown;
  };
  const mutationMs = performance.now() - started;
  if (!body.data) throw new Error(`createJitRequest failed: ${JSON.stringify(body.errors)}`);
  const requestId = body.data.createJitRequest.id;

  let reportedSeconds = 0;
  const applied = await waitFor(
    async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n, max("appliedAt") AS last FROM "DeviceSession"
           WHERE "requestId" = $1 AND state = 'APPLIED'`,
          [requestId],
        )
      ).rows[0] as { n: number; last: Date | null },
    (row) => {
      const seconds = Math.floor((Date.now() - mutationStartedAtMs) / 10_000) * 10;
      if (seconds > reportedSeconds) {
        reportedSeconds = seconds;
        print(`  ${row.n} APPLIED after ${seconds} s`);
      }
      return row.n >= deviceCount;
    },
    applyTimeoutMs,
  );
  const clientStats = await ask<ClientStats>(clients!, { type: 'stats' }, 'stats');
  await printGrantTimeline(db, requestId, mutationStartedAtMs);
  return {
    mutationMs,
    applied: applied.n,
    lastAppliedMs: applied.last ? applied.last.getTime() - mutationStartedAtMs : Number.NaN,
    lastAckSentMs: clientStats.lastAckAtMs - mutationStartedAtMs,
    unexpectedCloses: clientStats.unexpectedCloses,
    serverErrors: clientStats.serverErrors,
  };
}

/**
 * Prints when the grant's rows were written, relative to the start of the mutation: the device
 * sessions, the apply commands (created when a desired state was computed, sent, acknowledged).
 */
async function printGrantTimeline(db: pg.Pool, requestId: string, startMs: number): Promise<void> {
  const { rows } = await db.query<Record<string, Date | null>>(
    `SELECT r."startedAt" AS started,
            min(c."createdAt") AS first_command, max(c."createdAt") AS last_command,
            min(c."sentAt") AS first_sent, max(c."sentAt") AS last_sent,
            min(c."ackedAt") AS first_acked, max(c."ackedAt") AS last_acked
     FROM "JitRequest" r
     JOIN "DeviceSession" s ON s."requestId" = r.id
     JOIN "AgentCommand" c ON c."sessionId" = s.id AND c.kind = 'apply'
     WHERE r.id = $1
     GROUP BY r."startedAt"`,
    [requestId],
  );
  const row = rows[0];
  if (!row) return;
  const at = (value: Date | null | undefined) =>
    value ? `${value.getTime() - startMs} ms` : 'never';
  print(`grant timeline, from the start of the mutation:`);
  print(`  session started (transaction time): ${at(row.started)}`);
  print(`  apply commands created: ${at(row.first_command)} to ${at(row.last_command)}`);
  print(`  apply commands sent:    ${at(row.first_sent)} to ${at(row.last_sent)}`);
  print(`  apply commands acked:   ${at(row.first_acked)} to ${at(row.last_acked)}`);
}

async function main(): Promise<void> {
  print(`Gateway benchmark: ${deviceCount} agents, heartbeat every ${heartbeatIntervalSeconds} s`);
  database = await createDatabase();
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  pool = db;
  const started = performance.now();
  const { tokens, groupId } = await enrollDevices(db);
  print(`enrolled ${deviceCount} devices in ${Math.round(performance.now() - started)} ms`);

  const port = await freePort();
  server = await startServer(database.url, port);
  const serverPid = server.pid!;
  await sleep(3_000);

  const memory = await measureConnections(db, serverPid, port, tokens);
  const heartbeat = await measureHeartbeats(serverPid);
  const grant = await measureGrant(db, port, groupId);

  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const perConnectionKiB = (memory.rssAfter - memory.rssBefore) / memory.welcomed / 1024;
  print('');
  print(`server RSS before connections: ${mib(memory.rssBefore)} MiB`);
  print(`server RSS with ${memory.welcomed} idle agents: ${mib(memory.rssAfter)} MiB`);
  print(`RSS per idle connection: ${perConnectionKiB.toFixed(1)} KiB (target <= 20 KB)`);
  print(
    `heartbeats: ${heartbeat.heartbeats} in ${heartbeatWindowMs / 1000} s, server CPU ${Math.round(heartbeat.busyCpuMs)} ms; without heartbeats ${Math.round(heartbeat.quietCpuMs)} ms in ${quietWindowMs / 1000} s`,
  );
  print(
    `server CPU per heartbeat: ${heartbeat.perHeartbeatUs.toFixed(1)} us (idle CPU subtracted)`,
  );
  print(`createJitRequest on the group: ${Math.round(grant.mutationMs)} ms`);
  print(
    `APPLIED: ${grant.applied}/${deviceCount}; last ack recorded ${grant.lastAppliedMs} ms after the mutation started (target <= 5000 ms); last ack sent by a client after ${grant.lastAckSentMs} ms`,
  );
  print(`unexpected closes during the run: ${grant.unexpectedCloses}`);
  print(`server.error frames received by the clients: ${JSON.stringify(grant.serverErrors)}`);
  await reportServerLog();
}

/** Prints how many warnings and errors the server logged; keeps its log only when there are some. */
async function reportServerLog(): Promise<void> {
  let text = '';
  try {
    text = readFileSync(serverLogPath, 'utf8');
  } catch {
    return;
  }
  const levels = text
    .split('\n')
    .filter(Boolean)
    .map((line) => /"level":(\d+)/.exec(line)?.[1]);
  const warnings = levels.filter((level) => level === '40').length;
  const errors = levels.filter((level) => level === '50' || level === '60').length;
  if (warnings + errors === 0) {
    await rm(serverLogPath, { force: true });
    print('server log: no warnings or errors');
    return;
  }
  print(`server log: ${warnings} warnings, ${errors} errors, kept in ${serverLogPath}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    print(`${signal}: stopping the server and the clients, dropping the database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(cleanUp)
  .then(
    () => process.exit(0),
    async (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${text}\n`);
      await cleanUp().catch(() => undefined);
      process.exit(1);
    },
  );
