// Two application instances on one database, as two replicas would run: every transition and
// every audit row must happen once, whichever server's job or reconcile pass gets there first.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type App, createApp } from '../../src/app.js';
import type { TransitionScheduler } from '../../src/domain/context.js';
import {
  reconcileRequests,
  type ScheduledTransitionJobs,
} from '../../src/domain/requests/reconcile.js';
import { createLogger } from '../../src/logger.js';
import { signConsoleToken } from '../../src/tokens.js';
import { uniqueName } from '../factories.js';
import { createTestDatabase, type TestDatabase, testConfig, testJwtSecret } from '../helpers.js';
import { insertRequest, secondsFromNow } from './rows.js';
import { waitFor } from './wait.js';

let database: TestDatabase;
let dataDirs: string[] = [];
let servers: App[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDirs = await Promise.all(
    [0, 1].map(() => mkdtemp(path.join(os.tmpdir(), 'jit-two-servers-'))),
  );
  // Started at once on purpose: both create Agenda's table and indexes on the same database.
  servers = await Promise.all(
    dataDirs.map((dataDir) => {
      const config = testConfig(dataDir);
      return createApp({ config, log: createLogger(config.log.level), databaseUrl: database.url });
    }),
  );
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await database?.drop();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function gql(server: App, query: string, variables: Record<string, unknown>) {
  const token = await signConsoleToken(testJwtSecret, { sub: 'admin-user', role: 'admin' });
  const response = await server.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  if (result.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function enrollDevice(server: App): Promise<string> {
  const data = await gql(
    server,
    `mutation ($input: EnrollDeviceInput!) { enrollDevice(input: $input) { device { id } } }`,
    { input: { name: uniqueName('mac'), platform: 'macos' } },
  );
  return data.enrollDevice.device.id;
}

async function createRequest(server: App, input: Record<string, unknown>): Promise<string> {
  const data = await gql(
    server,
    `mutation ($input: CreateJitRequestInput!) { createJitRequest(input: $input) { id } }`,
    { input: { name: uniqueName('request'), userAccountName: 'alice', ...input } },
  );
  return data.createJitRequest.id;
}

async function auditCounts(action: string, requestIds: string[]) {
  const rows = await servers[0]!.database.prisma.auditEvent.groupBy({
    by: ['requestId'],
    where: { action, requestId: { in: requestIds } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.requestId, row._count._all]));
}

function schedulerOf(server: App) {
  return server.domain.scheduler as TransitionScheduler & ScheduledTransitionJobs;
}

describe('two servers on one database', () => {
  it('perform each start and end once', async () => {
    const [first, second] = servers as [App, App];
    const device = await enrollDevice(first);
    // Long enough to still be ACTIVE when the extension arrives on a loaded machine.
    const extended = await Promise.all(
      Array.from({ length: 2 }, () =>
        createRequest(first, { durationType: 'FIXED', durationSeconds: 4, deviceIds: [device] }),
      ),
    );
    // Extended through the server that did not create them.
    for (const id of extended) {
      await gql(
        second,
        `mutation ($id: ID!) { extendJitRequest(input: { id: $id, additionalSeconds: 1 }) { id } }`,
        { id },
      );
    }
    const fixed = await Promise.all(
      Array.from({ length: 6 }, () =>
        createRequest(first, { durationType: 'FIXED', durationSeconds: 2, deviceIds: [device] }),
      ),
    );
    const startAt = secondsFromNow(2);
    const scheduled = await Promise.all(
      Array.from({ length: 4 }, () =>
        createRequest(second, {
          durationType: 'SCHEDULED',
          scheduledStartAt: startAt.toISOString(),
          durationSeconds: 2,
          deviceIds: [device],
        }),
      ),
    );
    const all = [...extended, ...fixed, ...scheduled];

    const prisma = first.database.prisma;
    const ended = await waitFor(
      'every request to end',
      async () => {
        const rows = await prisma.jitRequest.findMany({ where: { id: { in: all } } });
        return rows.every((row) => row.status === 'EXPIRED') ? rows : null;
      },
      { timeoutMs: 15_000 },
    );

    for (const row of ended) expect(row.endedAt).toEqual(row.expiresAt);
    for (const row of ended.filter((request) => extended.includes(request.id))) {
      expect(row.expiresAt!.getTime() - row.startedAt!.getTime()).toBe(5000);
    }
    const endCounts = await auditCounts('request.ended', all);
    expect(all.map((id) => endCounts.get(id))).toEqual(all.map(() => 1));
    const startCounts = await auditCounts('request.started', scheduled);
    expect(scheduled.map((id) => startCounts.get(id))).toEqual(scheduled.map(() => 1));
    const { rows } = await first.database.pool.query(
      `SELECT id FROM agenda_jobs WHERE data ->> 'requestId' = ANY($1)`,
      [all],
    );
    expect(rows).toEqual([]);
  });

  it('keep one job when both schedule the same request at once', async () => {
    const [first, second] = servers as [App, App];
    const requests = await Promise.all(
      Array.from({ length: 20 }, () =>
        insertRequest(first.database.prisma, {
          status: 'ACTIVE',
          startedAt: new Date(),
          expiresAt: secondsFromNow(3600),
        }),
      ),
    );

    await Promise.all(
      requests.flatMap((request) => [
        schedulerOf(first).scheduleEnd(request.id, request.expiresAt!),
        schedulerOf(second).scheduleEnd(request.id, request.expiresAt!),
      ]),
    );

    const { rows } = await first.database.pool.query<{ request_id: string; jobs: number }>(
      `SELECT data ->> 'requestId' AS request_id, count(*)::int AS jobs FROM agenda_jobs
        WHERE data ->> 'requestId' = ANY($1) GROUP BY 1`,
      [requests.map((request) => request.id)],
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((row) => row.jobs === 1)).toBe(true);
  });

  it('reconcile overdue requests once between them', async () => {
    const [first, second] = servers as [App, App];
    const requests = await Promise.all(
      Array.from({ length: 20 }, () =>
        insertRequest(first.database.prisma, {
          status: 'ACTIVE',
          startedAt: secondsFromNow(-60),
          expiresAt: secondsFromNow(-30),
        }),
      ),
    );
    const ids = requests.map((request) => request.id);

    const results = await Promise.all([
      reconcileRequests(first.domain, schedulerOf(first)),
      reconcileRequests(second.domain, schedulerOf(second)),
    ]);

    expect(results[0].failed + results[1].failed).toBe(0);
    const counts = await auditCounts('request.ended', ids);
    expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
    const rows = await first.database.prisma.jitRequest.findMany({ where: { id: { in: ids } } });
    for (const row of rows) {
      expect(row.status).toBe('EXPIRED');
      expect(row.endedAt).toEqual(row.expiresAt);
    }
  });
});
