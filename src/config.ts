import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port of the HTTP server, default 4000. 0 picks a free port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Interface the HTTP server binds, default 127.0.0.1. */
  HOST: z.string().default('127.0.0.1'),
  /** Largest accepted HTTP request body in bytes, default 100 000. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(100_000),
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL under DATA_DIR/postgres. */
  DATABASE_URL: optionalString,
  /** Folder for the embedded database and the generated development secret, default ./.data. */
  DATA_DIR: z.string().default('./.data'),
  /** Port of the embedded PostgreSQL, default 54329. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Connections in the application's pg pool, default 10. */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** HS256 secret for console JWTs, at least 32 characters. */
  JWT_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters long',
  }),
  /** JWKS endpoint for console JWTs signed with asymmetric keys. */
  JWKS_URL: optionalString.pipe(z.url().optional()),
  /** Expected `iss` claim of console JWTs, when set. */
  JWT_ISSUER: optionalString,
  /** Expected `aud` claim of console JWTs, when set. */
  JWT_AUDIENCE: optionalString,
  /** Shortest session in seconds, default 60. */
  JIT_MIN_DURATION_SECONDS: seconds(60),
  /** Maximum session length in seconds, extensions included, default 86400. */
  JIT_MAX_DURATION_SECONDS: seconds(86_400),
  /** Seconds a pending request may wait for a decision before it expires, default 86400. */
  JIT_PENDING_TIMEOUT_SECONDS: seconds(86_400),
  /** Seconds of agent silence after which an Internet-Access-Required session is suspended, default 300. */
  OFFLINE_REVOKE_AFTER_SECONDS: seconds(300),
  /** IANA time zone that defines the calendar day of the daily request limit, default UTC. */
  DAILY_LIMIT_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Paris' }),
  /** Seconds between agent heartbeats, default 30. */
  AGENT_HEARTBEAT_INTERVAL_SECONDS: seconds(30),
  /** Comma-separated local accounts that agents never lower, default none. */
  AGENT_EXCLUDED_ACCOUNTS: z.string().default(''),
  /** Largest agent WebSocket message in bytes, default 32768; a larger one closes the socket. */
  AGENT_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(32_768),
  /** Messages one agent connection may send per rate-limit window, default 100. */
  AGENT_RATE_LIMIT_MESSAGES: z.coerce.number().int().positive().default(100),
  /** Length of the agent rate-limit window in seconds, default 10. */
  AGENT_RATE_LIMIT_WINDOW_SECONDS: seconds(10),
  /** Seconds after which unacknowledged agent commands are sent again, default 60. */
  AGENT_COMMAND_RESEND_SECONDS: seconds(60),
  /** Seconds between checks that connected agents' tokens are still valid, default 30. */
  AGENT_TOKEN_CHECK_INTERVAL_SECONDS: seconds(30),
  /** MongoDB connection string for Agenda's job store. Unset: jobs live in PostgreSQL. */
  MONGODB_URL: optionalString,
  /**
   * Milliseconds between Agenda's scans for due jobs, default 250. LISTEN/NOTIFY wakes it for new
   * jobs. Each scan locks a few jobs due before the next one, so the interval bounds how late a
   * burst of session ends can run.
   */
  JOBS_PROCESS_EVERY_MS: z.coerce.number().int().positive().default(250),
  /** Seconds between reconcile sweeps that catch overdue transitions and lost jobs, default 60. */
  JOBS_RECONCILE_INTERVAL_SECONDS: seconds(60),
  /** Redis connection string. Set: events and agent commands cross replicas through Redis. */
  REDIS_URL: optionalString,
  /** Prefix of this deployment's Redis channels, default jit; replicas of one deployment share it. */
  REDIS_CHANNEL_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, { message: 'must contain only letters, digits and _ . : -' })
    .default('jit'),
  /** pino level, default info (silent under test). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Typed, frozen configuration grouped by concern. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  http: { host: string; port: number; bodyLimitBytes: number };
  database: { url?: string; dataDir: string; embeddedPort: number; poolSize: number };
  auth: { jwtSecret?: string; jwksUrl?: string; issuer?: string; audience?: string };
  jit: {
    minDurationSeconds: number;
    maxDurationSeconds: number;
    pendingTimeoutSeconds: number;
    offlineRevokeAfterSeconds: number;
    dailyLimitTimeZone: string;
  };
  gateway: {
    heartbeatIntervalSeconds: number;
    excludedAccounts: string[];
    maxMessageBytes: number;
    rateLimitMessages: number;
    rateLimitWindowSeconds: number;
    commandResendSeconds: number;
    tokenCheckIntervalSeconds: number;
  };
  jobs: { mongodbUrl?: string; processEveryMs: number; reconcileIntervalSeconds: number };
  redis: { url?: string; channelPrefix: string };
  log: { level: string };
}

export class ConfigError extends Error {}

/** Parses the environment once; every invalid or missing variable is reported in one message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.JIT_MIN_DURATION_SECONDS > e.JIT_MAX_DURATION_SECONDS) {
    throw new ConfigError(
      `Invalid configuration:\n  JIT_MIN_DURATION_SECONDS (${e.JIT_MIN_DURATION_SECONDS}) exceeds JIT_MAX_DURATION_SECONDS (${e.JIT_MAX_DURATION_SECONDS})`,
    );
  }
  const config: Config = {
    nodeEnv: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT, bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES },
    database: {
      url: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      embeddedPort: e.EMBEDDED_POSTGRES_PORT,
      poolSize: e.DATABASE_POOL_SIZE,
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
    },
    jit: {
      minDurationSeconds: e.JIT_MIN_DURATION_SECONDS,
      maxDurationSeconds: e.JIT_MAX_DURATION_SECONDS,
      pendingTimeoutSeconds: e.JIT_PENDING_TIMEOUT_SECONDS,
      offlineRevokeAfterSeconds: e.OFFLINE_REVOKE_AFTER_SECONDS,
      dailyLimitTimeZone: e.DAILY_LIMIT_TIME_ZONE,
    },
    gateway: {
      heartbeatIntervalSeconds: e.AGENT_HEARTBEAT_INTERVAL_SECONDS,
      excludedAccounts: e.AGENT_EXCLUDED_ACCOUNTS.split(',')
        .map((name) => name.trim())
        .filter(Boolean),
      maxMessageBytes: e.AGENT_MAX_MESSAGE_BYTES,
      rateLimitMessages: e.AGENT_RATE_LIMIT_MESSAGES,
      rateLimitWindowSeconds: e.AGENT_RATE_LIMIT_WINDOW_SECONDS,
      commandResendSeconds: e.AGENT_COMMAND_RESEND_SECONDS,
      tokenCheckIntervalSeconds: e.AGENT_TOKEN_CHECK_INTERVAL_SECONDS,
    },
    jobs: {
      mongodbUrl: e.MONGODB_URL,
      processEveryMs: e.JOBS_PROCESS_EVERY_MS,
      reconcileIntervalSeconds: e.JOBS_RECONCILE_INTERVAL_SECONDS,
    },
    redis: { url: e.REDIS_URL, channelPrefix: e.REDIS_CHANNEL_PREFIX },
    log: { level: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info') },
  };
  return Object.freeze(config);
}
