// A real server process is killed mid-session and restarted after the session's deadline: the
// restarted server must end the session within 5 s, recording the planned expiry as its end.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signConsoleToken } from '../../src/tokens.js';
import { uniqueName } from '../factories.js';
import { createTestDatabase, type TestDatabase, testJwtSecret } from '../helpers.js';
import { msUntil, waitFor } from './wait.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ServerProcess {
  child: ChildProcess;
  url: string;
  readyAt: number;
  output: () => string;
}

let database: TestDatabase;
let dataDir: string;
let client: pg.Client;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-crash-'));
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await client?.end();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * Starts `src/main.ts` and resolves once it prints its URL. Node loads tsx as a hook rather than
 * through the tsx command, which runs the server in a second process that SIGKILL would not reach.
 */
async function startServer(): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      JWT_SECRET: testJwtSecret,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      JIT_MIN_DURATION_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The server did not report ready within 60 s.\n${output()}`)),
      60_000,
    );
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /JIT admin server ready: (http:\/\/\S+)\/graphql/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code ?? signal}) before it was ready.\n${output()}`));
    });
  });
  return { child, url, readyAt: Date.now(), output };
}

function waitForExit(child: ChildProcess, timeoutMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => reject(new Error(`No exit within ${timeoutMs} ms.`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

async function gql(server: ServerProcess, query: string, variables: Record<string, unknown>) {
  const token = await signConsoleToken(testJwtSecret, { sub: 'admin-user', role: 'admin' });
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  if (result.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function readRequest(id: string) {
  const { rows } = await client.query<{ status: string; expiresAt: Date; endedAt: Date | null }>(
    `SELECT status, "expiresAt", "endedAt" FROM "JitRequest" WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

describe('crash recovery', () => {
  it(
    'ends a session whose server was killed, at its planned expiry',
    { timeout: 180_000 },
    async () => {
      const first = await startServer();
      const enrolled = await gql(
        first,
        `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { device { id } } }`,
        { input: { name: uniqueName('mac'), platform: 'macos' } },
      );
      const created = await gql(
        first,
        `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id } }`,
        {
          input: {
            name: uniqueName('request'),
            userAccountName: 'alice',
            durationType: 'FIXED',
            durationSeconds: 5,
            deviceIds: [enrolled.enrollDevice.device.id],
          },
        },
      );
      const requestId: string = created.createJitRequest.id;
      const { expiresAt } = await readRequest(requestId);

      first.child.kill('SIGKILL');
      expect((await waitForExit(first.child, 10_000)).signal).toBe('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, msUntil(expiresAt) + 500));
      expect((await readRequest(requestId)).status).toBe('ACTIVE');

      const second = await startServer();
      const ended = await waitFor(
        'the restarted server to end the session',
        async () => {
          const request = await readRequest(requestId);
          return request.status === 'ACTIVE' ? null : request;
        },
        { timeoutMs: 5000 },
      );
      expect(Date.now() - second.readyAt).toBeLessThanOrEqual(5000);
      expect(ended.status).toBe('EXPIRED');
      expect(ended.endedAt).toEqual(expiresAt);
      const { rows: audit } = await client.query<{ actor: string }>(
        `SELECT actor FROM "AuditEvent" WHERE "requestId" = $1 AND action = 'request.ended'`,
        [requestId],
      );
      expect(audit).toEqual([{ actor: 'reconciler' }]);

      second.child.kill('SIGTERM');
      const exit = await waitForExit(second.child, 20_000);
      expect(exit, second.output()).toEqual({ code: 0, signal: null });
    },
  );
});
