// A page of requests with their devices, sessions and audit trail loads in a fixed number of SQL
// statements, whatever the page size.
import { AsyncLocalStorage } from 'node:async_hooks';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createJitRequest } from '../../src/domain/requests/create-request.js';
import { createTestGroup, enrollTestDevice } from '../factories.js';
import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
let statements: string[] = [];
/** Set while the measured operation runs, so the job runner's own statements are not counted. */
const measuring = new AsyncLocalStorage<boolean>();

beforeAll(async () => {
  test = await startTestApp();
  const devices = await Promise.all([1, 2, 3].map(() => enrollTestDevice(test)));
  const groupId = await createTestGroup(test, [devices[2]!.id]);
  const actor = { kind: 'admin', id: 'seed-admin', role: 'admin' } as const;
  for (let i = 0; i < 50; i++) {
    await createJitRequest(test.app.domain, actor, {
      name: `request-${i}`,
      userAccountName: 'alice',
      durationType: 'FIXED',
      durationSeconds: 3600,
      deviceIds: [devices[0]!.id, devices[1]!.id],
      deviceGroupIds: i % 2 === 0 ? [groupId] : [],
    });
  }

  // Every statement Prisma sends outside a transaction goes through the pool's query method.
  // The job runner shares the pool, so only calls made inside the measured operation count.
  const pool = test.app.database.pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const [first] = args;
    if (measuring.getStore())
      statements.push(
        typeof first === 'string' ? first : String((first as { text?: string }).text),
      );
    return query(...args);
  };
});

afterAll(async () => {
  await test.close();
});

const pageQuery = `query ($first: Int!) {
  liveRequests(tab: ACTIVE, first: $first) {
    totalCount
    edges {
      node {
        id
        name
        remainingSeconds
        devices { id name online groups { id name } }
        deviceSessions { state appliedAt device { id name groups { name } } }
        auditTrail { at actor action }
      }
    }
  }
}`;

async function countStatements(query: string, first: number) {
  statements = [];
  const result = await measuring.run(true, () =>
    test.gql<{ liveRequests: { edges: unknown[] } }>(query, { first }),
  );
  expect(result.errors).toBeUndefined();
  expect(result.data!.liveRequests.edges).toHaveLength(first);
  return [...statements];
}

describe('liveRequests page', () => {
  it('uses the same statements for 5 and 50 rows', async () => {
    const small = await countStatements(pageQuery, 5);
    const large = await countStatements(pageQuery, 50);
    // Prisma sends one statement per relation level and selection path, so the number follows
    // the query, not the rows.
    expect(large.length, large.join('\n')).toBe(small.length);
    expect(small.length).toBeGreaterThan(5);
    expect(small.length, small.join('\n')).toBeLessThanOrEqual(11);
  });

  it('reads table devices in one statement', async () => {
    // The fields a console's table requests: columns, the count and device names.
    const tableQuery = `query ($first: Int!) {
      liveRequests(tab: ACTIVE, first: $first) {
        totalCount
        edges { node { id name userAccountName status requestedAt devices { name } } }
      }
    }`;
    const small = await countStatements(tableQuery, 5);
    const large = await countStatements(tableQuery, 50);
    expect(large.length, large.join('\n')).toBe(small.length);
    // The page, the count, and the devices.
    expect(small, small.join('\n')).toHaveLength(3);
    expect(small.filter((statement) => statement.includes('"Device"'))).toHaveLength(1);
  });
});
