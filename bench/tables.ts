// Benchmark of the Past table: loads a large request history into a fresh database, then measures
// a page of 50 in three sort orders and free-text searches through GraphQL (in process,
// yoga.fetch) next to the same rows read with hand-written SQL. Settings come from BENCH_*
// variables, listed in usage below.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { pastStatuses } from '../src/domain/requests/lifecycle.js';
import { signConsoleToken } from '../src/tokens.js';
import { openBenchDatabase } from './lib/bench-database.js';
import { type LatencySummary, measureInterleaved, type Scenario } from './lib/measure.js';
import {
  fetchPastPageGraphQL,
  fetchPastPageSql,
  type PastPage,
  type PastPageOptions,
} from './lib/past-page.js';
import { seedPastRequests } from './lib/seed-past-requests.js';

const usage = `Environment:
  BENCH_ROWS           requests to load, default 1000000
  BENCH_DEVICES        devices to load, default 5000
  BENCH_ITERATIONS     measured runs per scenario, default 200
  BENCH_WARMUP         unmeasured runs per scenario first, default 20
  BENCH_DATABASE_URL   database to drop, re-create and use (its name must contain "bench");
                       unset: an embedded PostgreSQL in a temporary folder
  BENCH_REUSE=1        with BENCH_DATABASE_URL: keep the database if it already holds BENCH_ROWS requests`;

function readPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, not '${raw}'.\n${usage}`);
  }
  return value;
}

const settings = {
  rows: readPositiveInt('BENCH_ROWS', 1_000_000),
  devices: readPositiveInt('BENCH_DEVICES', 5_000),
  iterations: readPositiveInt('BENCH_ITERATIONS', 200),
  warmup: readPositiveInt('BENCH_WARMUP', 20),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  reuse: process.env.BENCH_REUSE === '1',
};

/** A common search word: it appears in several request names and reasons. */
const commonTerm = 'install';

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const log = createLogger('silent');
  const database = await openBenchDatabase({ url: settings.databaseUrl, reuse: settings.reuse });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-bench-data-'));
  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  try {
    print(`database: ${database.description}${database.reused ? ' (reused)' : ''}`);
    await migrateDatabase(database.url, log);
    if (!database.reused) await load(database.url);

    const jwtSecret = randomBytes(32).toString('hex');
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: jwtSecret,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    });
    app = await createApp({ config, log, databaseUrl: database.url });
    const { pool } = app.database;
    const yoga = app.yoga;
    const token = await signConsoleToken(jwtSecret, { sub: 'bench-auditor', role: 'auditor' });

    const loaded = await pool.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM "JitRequest"',
    );
    if (loaded.rows[0]!.count !== settings.rows) {
      throw new Error(
        `The database contains ${loaded.rows[0]!.count} requests, not BENCH_ROWS=${settings.rows}, so it cannot be reused; run without BENCH_REUSE=1 to reload it.`,
      );
    }

    const terms = await chooseSearchTerms(pool);
    const cases: ({ label: string } & PastPageOptions)[] = [
      { label: 'page of 50, no search' },
      { label: 'page sorted by name', order: { field: 'NAME', direction: 'ASC' } },
      { label: 'page sorted by ended, newest', order: { field: 'ENDED_AT', direction: 'DESC' } },
      { label: `search "${terms.selective}" (ticket id)`, search: terms.selective },
      { label: `search "${terms.account}" (account)`, search: terms.account },
      { label: `search "${commonTerm}" (common word)`, search: commonTerm },
    ];

    const scenarios: Scenario[] = [];
    const matches = new Map<string, number>();
    for (const testCase of cases) {
      const viaGraphQL = await fetchPastPageGraphQL(yoga, token, testCase);
      const viaSql = await fetchPastPageSql(pool, testCase);
      assertSamePage(testCase.label, viaGraphQL, viaSql);
      matches.set(testCase.label, await countMatches(pool, testCase.search));
      scenarios.push(
        {
          name: `${testCase.label} | GraphQL`,
          run: () => fetchPastPageGraphQL(yoga, token, testCase),
        },
        { name: `${testCase.label} | SQL`, run: () => fetchPastPageSql(pool, testCase) },
      );
    }

    print(`measuring: ${settings.warmup} warm-up and ${settings.iterations} measured runs each`);
    const results = await measureInterleaved(scenarios, settings);
    report(cases, matches, results);
  } finally {
    try {
      await app?.close();
    } finally {
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

async function load(url: string): Promise<void> {
  print(`loading ${settings.rows} requests on ${settings.devices} devices`);
  const started = performance.now();
  const summary = await seedPastRequests(url, {
    requestCount: settings.rows,
    deviceCount: settings.devices,
    onStep: (step, elapsedMs) => print(`  ${step}: ${(elapsedMs / 1000).toFixed(1)} s`),
  });
  print(
    `loaded ${summary.requests} requests, ${summary.targets} targets, ${summary.deviceSessions} device sessions, ${summary.devices} devices in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

/**
 * Picks search terms from the loaded data: a ticket id quoted in exactly one reason, and the
 * account of the request with the smallest id (about BENCH_ROWS / 2000 matches).
 */
async function chooseSearchTerms(pool: import('pg').Pool) {
  const ticket = await pool.query<{ term: string }>(
    `SELECT lower(substring("reasonByUser" from 'INC-[0-9]+')) AS term FROM "JitRequest"
      WHERE "reasonByUser" LIKE '%(ticket INC-%' ORDER BY id LIMIT 1`,
  );
  const account = await pool.query<{ term: string }>(
    `SELECT "userAccountName" AS term FROM "JitRequest" ORDER BY id LIMIT 1`,
  );
  return { selective: ticket.rows[0]!.term, account: account.rows[0]!.term };
}

/** Exact number of Past requests matching a search, for the report (totalCount may be an estimate). */
async function countMatches(pool: import('pg').Pool, search?: string): Promise<number> {
  const result = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM "JitRequest"
      WHERE status = ANY($1::"JitStatus"[]) AND ($2::text IS NULL OR "searchText" LIKE $2)`,
    [pastStatuses, search ? `%${search.toLowerCase()}%` : null],
  );
  return result.rows[0]!.count;
}

function assertSamePage(label: string, viaGraphQL: PastPage, viaSql: PastPage): void {
  const left = JSON.stringify(viaGraphQL);
  const right = JSON.stringify(viaSql);
  if (left !== right) {
    throw new Error(
      `GraphQL and SQL disagree for '${label}':\n  GraphQL: ${left.slice(0, 600)}\n  SQL:     ${right.slice(0, 600)}`,
    );
  }
}

function report(
  cases: readonly ({ label: string } & PastPageOptions)[],
  matches: ReadonlyMap<string, number>,
  results: readonly LatencySummary[],
): void {
  const byName = new Map(results.map((result) => [result.name, result]));
  const ms = (value: number) => value.toFixed(1);
  print();
  print('| case | matches | GraphQL p50 | GraphQL p95 | SQL p50 | SQL p95 | GraphQL/SQL p50 |');
  print('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const testCase of cases) {
    const graphql = byName.get(`${testCase.label} | GraphQL`)!;
    const sql = byName.get(`${testCase.label} | SQL`)!;
    print(
      `| ${testCase.label} | ${matches.get(testCase.label)} | ${ms(graphql.p50Ms)} | ${ms(graphql.p95Ms)} | ${ms(sql.p50Ms)} | ${ms(sql.p95Ms)} | ${(graphql.p50Ms / sql.p50Ms).toFixed(2)} |`,
    );
  }
  print();
  print('Milliseconds; GraphQL includes JSON parsing of the response.');

  const page = byName.get(`${cases[0]!.label} | GraphQL`)!;
  const pageSql = byName.get(`${cases[0]!.label} | SQL`)!;
  const searchP95 = Math.max(
    ...cases
      .filter((testCase) => testCase.search)
      .map((testCase) => byName.get(`${testCase.label} | GraphQL`)!.p95Ms),
  );
  const ratio = page.p50Ms / pageSql.p50Ms;
  print(`target page p50 <= 2x SQL: ${ratio.toFixed(2)}x, ${ratio <= 2 ? 'met' : 'missed'}`);
  print(`target search p95 <= 50 ms: ${ms(searchP95)} ms, ${searchP95 <= 50 ? 'met' : 'missed'}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
