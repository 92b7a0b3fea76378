// The MongoDB job store, run only when MONGODB_URL names a server. Each run uses a database of
// its own on that server and drops it afterwards.
import { randomBytes } from 'node:crypto';

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createTestRequest, enrollTestDevice } from '../factories.js';
import { createTestDatabase, startTestApp, type TestApp, testConfig } from '../helpers.js';
import { msUntil, waitFor } from './wait.js';

const serverUrl = process.env.MONGODB_URL;
if (!serverUrl) {
  console.log('MongoDB job store tests skipped: MONGODB_URL is not set.');
}

describe.skipIf(!serverUrl)('MongoDB job store (needs MONGODB_URL)', () => {
  let test: TestApp;
  let storeUrl: string;

  beforeAll(async () => {
    const url = new URL(serverUrl!);
    url.pathname = `/jit_jobs_test_${randomBytes(6).toString('hex')}`;
    storeUrl = url.toString();
    test = await startTestApp({ env: { MONGODB_URL: storeUrl } });
  });

  afterAll(async () => {
    await test?.close();
    // The driver comes with @agendajs/mongo-backend, which needs it as a peer dependency.
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(storeUrl);
    try {
      await client.db().dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('ends a fixed request on time', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, { durationSeconds: 2, deviceIds: [device.id] });
    const prisma = test.app.database.prisma;
    const request = await prisma.jitRequest.findUniqueOrThrow({ where: { id: created.id } });

    const ended = await waitFor(
      'the request to end',
      async () => {
        const current = await prisma.jitRequest.findUniqueOrThrow({ where: { id: created.id } });
        return current.status === 'ACTIVE' ? null : current;
      },
      { timeoutMs: msUntil(request.expiresAt!) + 8000 },
    );
    expect(ended.status).toBe('EXPIRED');
    expect(ended.endedAt).toEqual(request.expiresAt);
  });

  it('keeps one job per request when scheduled twice at once', async () => {
    const device = await enrollTestDevice(test);
    const created = await createTestRequest(test, {
      durationSeconds: 3600,
      deviceIds: [device.id],
    });
    const at = new Date(Date.now() + 7_200_000);

    await Promise.all([
      test.app.domain.scheduler.scheduleEnd(created.id, at),
      test.app.domain.scheduler.scheduleEnd(created.id, at),
    ]);

    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(storeUrl);
    try {
      const jobs = await client
        .db()
        .collection('agendaJobs')
        .find({ 'data.requestId': created.id })
        .toArray();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.nextRunAt).toEqual(at);
    } finally {
      await client.close();
    }
  });
});

describe('job store startup', () => {
  it('fails createApp with an error when MongoDB does not answer', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'jit-mongo-down-'));
    try {
      // Nothing listens on port 9 of the loopback interface, so the connection is refused.
      const config = testConfig(dataDir, {
        MONGODB_URL: 'mongodb://127.0.0.1:9/jit?serverSelectionTimeoutMS=500',
      });
      await expect(
        createApp({ config, log: createLogger(config.log.level), databaseUrl: database.url }),
      ).rejects.toThrow();
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
