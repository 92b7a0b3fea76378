import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';

export { PrismaClient };
export type { Prisma } from '../generated/prisma/client.js';

export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** Creates the application's pg pool and a Prisma client that runs its queries on that pool. */
export function createDatabase(url: string, poolSize: number, log?: Logger): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection (server restart, database dropped) emits 'error' on
  // the pool; without a listener that would crash the process.
  pool.on('error', (error: Error & { code?: string }) =>
    log?.warn({ code: error.code, message: error.message }, 'idle database connection failed'),
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
