// Composition root: configuration, logger, database (embedded when DATABASE_URL is unset),
// migrations, the application, and the shutdown order on SIGINT / SIGTERM.
import { type Config, ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';
import type { EmbeddedDatabase } from './db/embedded-postgres.js';
import { migrateDatabase } from './db/migrate.js';
import { createLogger } from './logger.js';
import { signConsoleToken } from './tokens.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const log = createLogger(config.log.level);

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    const startEmbeddedPostgres = await loadEmbeddedPostgres();
    embedded = await startEmbeddedPostgres(
      config.database.dataDir,
      config.database.embeddedPort,
      log,
    );
    databaseUrl = embedded.url;
  }

  let app: Awaited<ReturnType<typeof createApp>> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await app?.close();
      await embedded?.stop();
      log.info('shutdown complete');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await migrateDatabase(databaseUrl, log);
    app = await createApp({ config, log, databaseUrl });
    const { url } = await app.listen();
    process.stdout.write(`\nJIT admin server ready: ${url}/graphql\n`);
    if (app.jwtSecretGenerated && app.jwtSecret) {
      const token = await signConsoleToken(app.jwtSecret, {
        sub: 'admin',
        role: 'admin',
        expiresIn: '30d',
      });
      process.stdout.write(`Development admin token (valid 30 days):\n${token}\n\n`);
    }
  } catch (error) {
    log.fatal({ err: error }, 'startup failed');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * Imports the embedded PostgreSQL starter, only when it is used. Importing embedded-postgres
 * installs async-exit-hook, whose SIGINT and SIGTERM handlers exit with 128 + signal as soon as
 * the embedded server has stopped, cutting the ordered shutdown above short (jobs, then the pool).
 * main() handles those two signals itself, so the handlers the import added are removed again.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { startEmbeddedPostgres } = await import('./db/embedded-postgres.js');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return startEmbeddedPostgres;
}

void main();
