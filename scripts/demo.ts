// Walks through the JIT admin lifecycle with a real server and three simulated devices:
//   npm run demo
// The server runs on a free port with an embedded PostgreSQL in a temporary DATA_DIR (or, when
// DATABASE_URL is set, on a fresh database of that server, dropped at the end). Each device is an
// `agent run --driver simulate` child process. One of them reaches the server through a TCP relay,
// which the demo cuts to take the device offline. Everything started is stopped and removed at exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { signConsoleToken } from '../src/tokens.js';
import { TcpProxy } from '../tests/e2e/tcp-proxy.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jwtSecret = randomBytes(32).toString('base64url');
const offlineRevokeAfterSeconds = 3;
const grantSeconds = 25;

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

let stepNumber = 0;
function step(title: string): void {
  stepNumber += 1;
  process.stdout.write(`\n${stepNumber}. ${title}\n`);
}

function say(line: string): void {
  process.stdout.write(`   ${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `read` until `done` returns true, and throws naming `description` after the timeout. */
async function waitFor<T>(
  description: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs / 1000} s waiting for ${description}; last value: ${JSON.stringify(value)}`,
      );
    }
    await sleep(200);
  }
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

function spawnTsx(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Stops a child with SIGTERM, then SIGKILL after the timeout. */
async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Creates a database for the demo on the server that DATABASE_URL names, and drops it at exit. */
async function createDemoDatabase(baseUrl: string): Promise<string> {
  const name = `jit_demo_${randomBytes(4).toString('hex')}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: admin.toString() });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await dropper.end();
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startServer(dataDir: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    JWT_SECRET: jwtSecret,
    JIT_MIN_DURATION_SECONDS: '1',
    OFFLINE_REVOKE_AFTER_SECONDS: String(offlineRevokeAfterSeconds),
    AGENT_HEARTBEAT_INTERVAL_SECONDS: '1',
    JOBS_PROCESS_EVERY_MS: '200',
    LOG_LEVEL: 'warn',
  };
  if (process.env.DATABASE_URL)
    env.DATABASE_URL = await createDemoDatabase(process.env.DATABASE_URL);
  const server = spawnTsx(['src/main.ts'], env);
  let output = '';
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The server did not start within 120 s:\n${output}`)),
      120_000,
    );
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /JIT admin server ready: (http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with code ${code}:\n${output}`));
    });
  });
}

interface ConsoleApi {
  gql<T>(query: string, variables?: Record<string, unknown>, as?: 'admin' | 'approver'): Promise<T>;
}

function createConsole(
  serverUrl: string,
  tokens: Record<'admin' | 'approver', string>,
): ConsoleApi {
  return {
    async gql(query, variables, as = 'admin') {
      const response = await fetch(`${serverUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[as]}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown };
      if (body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
      return body.data as never;
    },
  };
}

interface Device {
  id: string;
  name: string;
  token: string;
  stateDir: string;
  agent?: ChildProcess;
}

async function enroll(api: ConsoleApi, name: string, stateRoot: string): Promise<Device> {
  const data = await api.gql<{ enrollDevice: { agentToken: string; device: { id: string } } }>(
    `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { agentToken device { id } } }`,
    { input: { name, platform: 'macos' } },
  );
  return {
    id: data.enrollDevice.device.id,
    name,
    token: data.enrollDevice.agentToken,
    stateDir: path.join(stateRoot, name),
  };
}

function startAgent(device: Device, serverUrl: string, extra: string[] = []): void {
  device.agent = spawnTsx([
    'agent/cli.ts',
    'run',
    '--server',
    serverUrl,
    '--token',
    device.token,
    '--driver',
    'simulate',
    '--state-dir',
    device.stateDir,
    '--reconnect-max-seconds',
    '1',
    '--log-level',
    'warn',
    ...extra,
  ]);
  device.agent.stdout!.resume();
  device.agent.stderr!.resume();
}

/** Administrators on a simulated device, as its driver keeps them. */
async function adminsOn(device: Device): Promise<string[]> {
  try {
    return JSON.parse(await readFile(path.join(device.stateDir, 'simulated-admins.json'), 'utf8'));
  } catch {
    return [];
  }
}

async function showAdmins(devices: Device[]): Promise<void> {
  for (const device of devices) {
    const admins = await adminsOn(device);
    say(
      `${device.name.padEnd(12)} administrators: ${admins.length ? admins.join(', ') : '(none)'}`,
    );
  }
}

interface RequestView {
  status: string;
  deviceSessions: {
    state: string;
    failureReason: string | null;
    device: { id: string; name: string };
  }[];
}

async function readRequest(api: ConsoleApi, id: string): Promise<RequestView> {
  const data = await api.gql<{ jitRequest: RequestView }>(
    `query ($id: ID!) { jitRequest(id: $id) { status deviceSessions { state failureReason device { id name } } } }`,
    { id },
  );
  return data.jitRequest;
}

function sessionSummary(request: RequestView): string {
  return request.deviceSessions
    .map(
      (session) =>
        `${session.device.name}=${session.state}${session.failureReason ? ` (${session.failureReason})` : ''}`,
    )
    .sort()
    .join(', ');
}

async function waitForSessions(api: ConsoleApi, id: string, expected: Record<string, string>) {
  const matches = (request: RequestView) =>
    Object.entries(expected).every(([name, state]) =>
      request.deviceSessions.some(
        (session) => session.device.name === name && session.state === state,
      ),
    );
  return waitFor(
    `device sessions ${JSON.stringify(expected)}`,
    () => readRequest(api, id),
    matches,
  );
}

function runAgentCommand(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnTsx(['agent/cli.ts', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function demo(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-demo-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  // As root, embedded PostgreSQL runs as a 'postgres' user, which must reach the folder.
  await chmod(dataDir, 0o755);

  step('Start the server');
  const serverUrl = await startServer(dataDir);
  say(`GraphQL at ${serverUrl}/graphql, agent gateway at ${serverUrl.replace('http', 'ws')}/agent`);
  say(
    process.env.DATABASE_URL
      ? "Database: a fresh database on DATABASE_URL's server"
      : `Database: embedded PostgreSQL in ${dataDir}`,
  );
  const api = createConsole(serverUrl, {
    admin: await signConsoleToken(jwtSecret, { sub: 'ada.admin', role: 'admin' }),
    approver: await signConsoleToken(jwtSecret, { sub: 'carol.approver', role: 'approver' }),
  });

  step('Enroll three Macs and start a simulated agent on each');
  const stateRoot = path.join(dataDir, 'agents');
  const studio = await enroll(api, 'mac-studio', stateRoot);
  const laptop = await enroll(api, 'mac-laptop', stateRoot);
  const lab = await enroll(api, 'mac-lab', stateRoot);
  const fleet = [studio, laptop, lab];
  const proxy = new TcpProxy(Number(new URL(serverUrl).port));
  await proxy.start();
  cleanups.push(() => proxy.stop());
  startAgent(studio, serverUrl);
  startAgent(laptop, proxy.url);
  startAgent(lab, serverUrl, ['--simulate-missing-accounts', 'bob']);
  say(
    'mac-laptop reaches the server through a relay the demo can cut; mac-lab has no account "bob"',
  );
  const group = await api.gql<{ createDeviceGroup: { id: string } }>(
    `mutation ($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { id } }`,
    { input: { name: 'design-team', deviceIds: fleet.map((device) => device.id) } },
  );
  await waitFor(
    'all three agents online',
    () =>
      api.gql<{ devices: { edges: { node: { online: boolean } }[] } }>(
        `{ devices(first: 10) { edges { node { online } } } }`,
      ),
    (data) => data.devices.edges.filter((edge) => edge.node.online).length === 3,
  );
  say('all three agents are connected');

  step('alice raises a request on mac-studio (agent raise)');
  const raised = await runAgentCommand(
    ['raise', '--server', serverUrl, '--token', studio.token, '--user', 'alice'].concat([
      '--duration',
      '600',
      '--reason',
      'install the printer driver',
      '--name',
      'printer',
    ]),
  );
  if (raised.code !== 0) throw new Error(`agent raise failed: ${raised.stderr}`);
  const aliceRequest = raised.stdout.trim();
  say(`agent raise printed the request id: ${aliceRequest}`);
  const pending = await api.gql<{ liveRequests: { totalCount: number } }>(
    `{ liveRequests(tab: PENDING) { totalCount } }`,
  );
  say(`the console's Pending tab holds ${pending.liveRequests.totalCount} request`);

  step('carol approves it in the console; mac-studio applies it');
  await api.gql(
    `mutation ($input: ApproveJitRequestInput!) { approveJitRequest(input: $input) { status } }`,
    { input: { id: aliceRequest, reasonByAdmin: 'approved for the printer install' } },
    'approver',
  );
  const applied = await waitForSessions(api, aliceRequest, { 'mac-studio': 'APPLIED' });
  say(`request ${applied.status}; device sessions: ${sessionSummary(applied)}`);
  await showAdmins([studio]);

  step(
    `ada grants bob admin on the whole design-team group for ${grantSeconds} s, Internet Access Required`,
  );
  const grant = await api.gql<{ createJitRequest: { id: string; status: string } }>(
    `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id status } }`,
    {
      input: {
        name: 'design-team release',
        userAccountName: 'bob',
        durationType: 'FIXED',
        durationSeconds: grantSeconds,
        internetAccessRequired: true,
        deviceGroupIds: [group.createDeviceGroup.id],
        reasonByAdmin: 'release day',
      },
    },
  );
  const grantId = grant.createJitRequest.id;
  const grantApplied = await waitForSessions(api, grantId, {
    'mac-studio': 'APPLIED',
    'mac-laptop': 'APPLIED',
    'mac-lab': 'FAILED',
  });
  say(`request ${grantApplied.status}; device sessions: ${sessionSummary(grantApplied)}`);
  await showAdmins(fleet);

  step('mac-laptop loses its network');
  proxy.cut();
  await waitFor(
    'mac-laptop to lower bob on its own',
    () => adminsOn(laptop),
    (admins) => !admins.includes('bob'),
  );
  say(
    `after ${offlineRevokeAfterSeconds} s without the server, the mac-laptop agent lowered bob by itself`,
  );
  const suspended = await waitForSessions(api, grantId, { 'mac-laptop': 'SUSPENDED' });
  say(`the server marked it: ${sessionSummary(suspended)}`);
  await showAdmins(fleet);

  step('mac-laptop is back online while the window is still open');
  proxy.restore();
  const reapplied = await waitForSessions(api, grantId, { 'mac-laptop': 'APPLIED' });
  say(`raised again for the rest of the window: ${sessionSummary(reapplied)}`);
  await showAdmins(fleet);

  step('the window ends: every device lowers bob, and the request moves to Past');
  const ended = await waitFor(
    'the group grant to end',
    () => readRequest(api, grantId),
    (request) => request.status !== 'ACTIVE',
    (grantSeconds + 60) * 1000,
  );
  await waitFor(
    'bob lowered everywhere',
    async () => Promise.all(fleet.map(adminsOn)),
    (lists) => lists.every((admins) => !admins.includes('bob')),
  );
  await showAdmins(fleet);
  const past = await api.gql<{
    pastRequests: { edges: { node: RequestView & { id: string; name: string } }[] };
  }>(
    `{ pastRequests(first: 10) { edges { node { id name status deviceSessions { state failureReason device { id name } } } } } }`,
  );
  const row = past.pastRequests.edges.find((edge) => edge.node.id === grantId)?.node;
  say(`Past: "${row?.name}" ${row?.status ?? ended.status}; ${row ? sessionSummary(row) : ''}`);

  step("carol revokes alice's request early");
  await api.gql(
    `mutation ($input: RevokeJitRequestInput!) { revokeJitRequest(input: $input) { status } }`,
    { input: { id: aliceRequest, reasonByAdmin: 'printer installed' } },
    'approver',
  );
  await waitFor(
    'alice lowered on mac-studio',
    () => adminsOn(studio),
    (admins) => !admins.includes('alice'),
  );
  const revoked = await waitForSessions(api, aliceRequest, { 'mac-studio': 'REMOVED' });
  say(`request ${revoked.status}; device sessions: ${sessionSummary(revoked)}`);
  await showAdmins([studio]);
}

async function cleanUp(): Promise<void> {
  for (const child of children.filter((child) => child.spawnargs.includes('agent/cli.ts')))
    await stopChild(child);
  for (const child of children) await stopChild(child);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}

demo().then(
  async () => {
    step('Stop the agents and the server, remove the temporary data');
    await cleanUp();
    say('done');
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(
      `\nDemo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await cleanUp();
    process.exit(1);
  },
);
