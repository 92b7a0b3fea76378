import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the root JSON logger. Credentials are redacted wherever they appear as fields. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'jit-admin-server' },
    redact: {
      paths: ['token', 'agentToken', 'authorization', '*.authorization', 'password', '*.password'],
      censor: '[redacted]',
    },
  });
}
