import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type AgentGateway, agentPath, createAgentGateway } from './agent-gateway/index.js';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import {
  type ChangePublisher,
  type Clock,
  type DeviceNotifier,
  type DomainContext,
  systemClock,
  type TransitionScheduler,
} from './domain/context.js';
import { createReplicatedDeviceNotifier } from './events/device-notifier.js';
import { createAppPubSub, createChangePublisher } from './events/pubsub.js';
import { connectRedis } from './events/redis.js';
import { createNamespacedRedisEventTarget } from './events/redis-event-target.js';
import {
  createConsoleTokenVerifier,
  createExportHandler,
  exportPathPrefix,
} from './http/export.js';
import { createGraphQLWebSocketServer } from './http/graphql-ws.js';
import { limitRequestBody } from './http/limits.js';
import { createHttpServer, type HttpRoutes, sendJson } from './http/server.js';
import { createGraphQLServer, type GraphQLServer } from './http/yoga.js';
import { createJobRunner } from './jobs/index.js';
import type { Logger } from './logger.js';
import { resolveJwtSecret } from './tokens.js';

export interface AppOptions {
  config: Config;
  log: Logger;
  databaseUrl: string;
  clock?: Clock;
}

/** One running server: HTTP, GraphQL, jobs and gateway, sharing one database pool. */
export interface App {
  config: Config;
  log: Logger;
  database: Database;
  domain: DomainContext;
  yoga: GraphQLServer;
  agentGateway: AgentGateway;
  httpServer: Server;
  jwtSecret: string | null;
  /** Whether the dev secret was generated into DATA_DIR (then main.ts prints an admin token). */
  jwtSecretGenerated: boolean;
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/**
 * Builds the application on a migrated database. Components are started in dependency order and
 * stopped in reverse: HTTP first (no new work), then jobs, then the pool.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const database = createDatabase(options.databaseUrl, config.database.poolSize, log);
  const { secret: jwtSecret, generated } = await resolveJwtSecret(config);
  // The job store connects before the domain, which schedules through it. An unreachable store
  // fails the start before anything else runs.
  const jobs = await createJobRunner({ config, pool: database.pool, log }).catch(async (error) => {
    await database.close();
    throw error;
  });

  // With REDIS_URL, events and device notifications reach every replica through Redis.
  const redis = config.redis.url ? connectRedis(config.redis.url, log) : null;
  const pubsub = createAppPubSub(
    redis ? createNamespacedRedisEventTarget(redis, config.redis.channelPrefix, log) : undefined,
  );
  const publisher: ChangePublisher = createChangePublisher(pubsub);
  const scheduler: TransitionScheduler = jobs.scheduler;
  const agentGateway = createAgentGateway({
    config: config.gateway,
    offlineRevokeAfterSeconds: config.jit.offlineRevokeAfterSeconds,
    maxConcurrentDesiredStates: Math.max(1, Math.floor(config.database.poolSize / 2)),
    log,
  });
  const localNotifier: DeviceNotifier = agentGateway.notifier;
  const replicatedNotifier = redis
    ? createReplicatedDeviceNotifier({ local: localNotifier, pubsub, replicaId: randomUUID(), log })
    : null;
  const notifier: DeviceNotifier = replicatedNotifier ?? localNotifier;

  const domain: DomainContext = {
    prisma: database.prisma,
    clock: options.clock ?? systemClock,
    config: { ...config.jit, excludedAccounts: config.gateway.excludedAccounts },
    log,
    publisher,
    scheduler,
    notifier,
  };
  agentGateway.start(domain);

  const yoga = createGraphQLServer({
    config,
    domain,
    pool: database.pool,
    pubsub,
    log,
    jwtSecret,
  });
  const graphqlWs = createGraphQLWebSocketServer({
    yoga,
    log,
    maxPayloadBytes: config.http.bodyLimitBytes,
  });

  const routes: HttpRoutes = {
    routes: new Map([
      ['/healthz', (_request, response) => sendJson(response, 200, { status: 'ok' })],
      [
        '/readyz',
        async (_request, response) => {
          const checks = {
            database: await isDatabaseReady(database),
            scheduler: await jobs.isReady(),
            ...(redis && { redis: redis.isReady() }),
          };
          const ready = Object.values(checks).every(Boolean);
          sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
        },
      ],
    ]),
    prefixRoutes: new Map([
      [
        exportPathPrefix,
        createExportHandler({
          prisma: database.prisma,
          clock: domain.clock,
          log,
          verifyToken: createConsoleTokenVerifier(config, jwtSecret),
        }),
      ],
    ]),
    upgrades: new Map([
      ['/graphql', graphqlWs.handleUpgrade],
      [agentPath, (request, socket, head) => agentGateway.handleUpgrade(request, socket, head)],
    ]),
    fallback: limitRequestBody(yoga, config.http.bodyLimitBytes),
  };
  const httpServer = createHttpServer(routes, log);

  const app: App = {
    config,
    log,
    database,
    domain,
    yoga,
    agentGateway,
    httpServer,
    jwtSecret,
    jwtSecretGenerated: generated,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.http.port, config.http.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          log.info({ host: config.http.host, port }, 'listening');
          resolve({ url: `http://${config.http.host}:${port}`, port });
        });
      }),
    close: async () => {
      // Agents go first: their close handlers write presence, which needs the pool.
      await agentGateway.close();
      await graphqlWs.close();
      log.info('graphql websocket closed');
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      log.info('http server closed');
      // Jobs stop before the pool ends: Agenda's LISTEN client would keep pool.end() waiting.
      await jobs.stop();
      await replicatedNotifier?.stop();
      await redis?.close();
      if (redis) log.info('redis connections closed');
      await database.close();
      log.info('database pool closed');
    },
  };
  try {
    await jobs.start(domain);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

async function isDatabaseReady(database: Database): Promise<boolean> {
  try {
    await database.pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
