import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import pg from 'pg';

import type { Logger } from '../logger.js';

const run = promisify(execFile);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Applies pending Prisma migrations with `prisma migrate deploy`, then the SQL the migration
 * runner cannot express (the append-only trigger on AuditEvent). Safe to run on every start.
 */
export async function migrateDatabase(url: string, log: Logger): Promise<void> {
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const preload = path.join(projectRoot, 'scripts/prisma-unref-timers.cjs');
  try {
    await run(process.execPath, ['--require', preload, prismaCli, 'migrate', 'deploy'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: url },
      timeout: 120_000,
    });
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`prisma migrate deploy failed: ${output.split('\n').slice(-8).join('\n')}`, {
      cause: error,
    });
  }

  const extraSql = await readFile(path.join(projectRoot, 'prisma/sql/post-migrate.sql'), 'utf8');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Two servers starting at once would race on CREATE OR REPLACE FUNCTION; the lock serialises them.
    await client.query('SELECT pg_advisory_lock(727001)');
    await client.query(extraSql);
  } finally {
    await client.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    await client.end();
  }
  log.info('database migrated');
}
