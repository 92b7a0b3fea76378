// Prisma CLI configuration. The CLI runs migrations through the pg driver adapter in its
// WebAssembly engine, because Prisma's native schema engine cannot be downloaded here.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// The CLI must resolve the datasource URL even for commands that never connect (generate, diff).
// Without one it falls back to downloading a native engine, which fails offline.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

export default defineConfig({
  experimental: { adapter: true, externalTables: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  tables: { external: ['public.agenda_jobs', 'public.agenda_logs'] },
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true }),
});
