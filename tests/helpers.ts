import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { inject } from 'vitest';

import { type App, createApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import type { Clock, Role } from '../src/domain/context.js';
import { createLogger } from '../src/logger.js';
import { signConsoleToken } from '../src/tokens.js';

export const testJwtSecret = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a database of its own for one test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const template = inject('templateDatabase');
  const name = `jit_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      // pg's pool.end() resolves before its clients' sockets close. A forced drop that catches
      // one still open makes it emit an unhandled error, so wait until they are gone.
      for (let attempt = 0; attempt < 50; attempt++) {
        const { rows } = await client.query<{ open: number }>(
          'SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0]!.open === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Configuration for a test server: port 0, silent logs, a fixed JWT secret and a temporary DATA_DIR. */
export function testConfig(dataDir: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: testJwtSecret,
    DATA_DIR: dataDir,
    JIT_MIN_DURATION_SECONDS: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

/** A settable clock for tests that move time by hand. */
export class TestClock implements Clock {
  constructor(private current: Date = new Date()) {}

  now(): Date {
    return new Date(this.current);
  }

  set(date: Date): void {
    this.current = new Date(date);
  }

  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** Signs a console token for `sub` with `role`. */
  tokenFor(role: Role, sub?: string): Promise<string>;
  /** Sends one GraphQL operation in process through yoga.fetch, as an admin unless `as` names another role or token. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: { role: Role; sub?: string } | { token: string | null },
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

/** Starts an application on a fresh database without listening; call listen() for socket tests. */
export async function startTestApp(
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-test-data-'));
  const config = testConfig(dataDir, options.env);
  const log = createLogger(config.log.level);
  const app = await createApp({ config, log, databaseUrl: database.url, clock: options.clock });

  const tokenFor = (role: Role, sub = `${role}-user`) =>
    signConsoleToken(testJwtSecret, { sub, role });
  return {
    app,
    database,
    tokenFor,
    gql: async (query, variables, as) => {
      const token =
        as && 'token' in as
          ? as.token
          : await tokenFor(as?.role ?? 'admin', as && 'sub' in as ? as.sub : undefined);
      const response = await app.yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResult<any>;
    },
    close: async () => {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
