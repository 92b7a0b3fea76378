import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exactCountLimit } from '../../src/schema/request-count.js';
import { startTestApp, type TestApp } from '../helpers.js';

let test: TestApp;
const bulkRows = exactCountLimit + 200;

const countQuery = /* GraphQL */ `
  query ($search: String, $statuses: [JitStatus!]) {
    pastRequests(first: 1, search: $search, statuses: $statuses) {
      totalCount
      totalCountIsEstimate
    }
  }
`;

interface CountResult {
  pastRequests: { totalCount: number; totalCountIsEstimate: boolean };
}

beforeAll(async () => {
  test = await startTestApp();
  // More Past rows than the exact count covers, three of them with a rare word in the name.
  await test.app.database.pool.query(
    `INSERT INTO "JitRequest" (name, "userAccountName", "durationType", "durationSeconds", status,
                               "requesterKind", "requestedBy", "requestedAt", "endedAt", "updatedAt")
     SELECT CASE WHEN i <= 3 THEN 'needle ' || i ELSE 'bulk ' || i END, 'alice', 'FIXED', 600,
            'COMPLETED', 'USER', 'alice', now() - i * interval '1 minute', now(), now()
       FROM generate_series(1, $1::int) AS i`,
    [bulkRows],
  );
  await test.app.database.pool.query('ANALYZE "JitRequest"');
});

afterAll(async () => {
  await test?.close();
});

describe('table totalCount', () => {
  it('counts a small match exactly', async () => {
    const result = await test.gql<CountResult>(countQuery, { search: 'NEEDLE' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.pastRequests.totalCount).toBe(3);
    expect(result.data?.pastRequests.totalCountIsEstimate).toBe(false);
  });

  it('counts no match exactly', async () => {
    const result = await test.gql<CountResult>(countQuery, { statuses: ['DENIED'] });
    expect(result.errors).toBeUndefined();
    expect(result.data?.pastRequests.totalCount).toBe(0);
    expect(result.data?.pastRequests.totalCountIsEstimate).toBe(false);
  });

  it('estimates above the exact limit', async () => {
    const result = await test.gql<CountResult>(countQuery, {});
    expect(result.errors).toBeUndefined();
    expect(result.data?.pastRequests.totalCountIsEstimate).toBe(true);
    expect(result.data?.pastRequests.totalCount).toBeGreaterThan(exactCountLimit);
    // After ANALYZE the planner's estimate for every Past row is close to the row count.
    expect(result.data?.pastRequests.totalCount).toBeGreaterThanOrEqual(bulkRows * 0.9);
    expect(result.data?.pastRequests.totalCount).toBeLessThanOrEqual(bulkRows * 1.1);
  });

  it('returns the flag without totalCount', async () => {
    const result = await test.gql<{ pastRequests: { totalCountIsEstimate: boolean } }>(
      `{ pastRequests(first: 1) { totalCountIsEstimate } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.pastRequests.totalCountIsEstimate).toBe(true);
  });

  it('pages a rare search by cursor', async () => {
    const query = `query ($after: String) {
      pastRequests(first: 2, after: $after, search: "needle") {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { name } }
      }
    }`;
    type Page = {
      pastRequests: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { name: string } }[];
      };
    };
    const first = await test.gql<Page>(query);
    expect(first.errors).toBeUndefined();
    expect(first.data?.pastRequests.totalCount).toBe(3);
    expect(first.data?.pastRequests.edges.map((edge) => edge.node.name)).toEqual([
      'needle 1',
      'needle 2',
    ]);
    expect(first.data?.pastRequests.pageInfo.hasNextPage).toBe(true);

    const after = first.data?.pastRequests.pageInfo.endCursor;
    const second = await test.gql<Page>(query, { after });
    expect(second.errors).toBeUndefined();
    expect(second.data?.pastRequests.edges.map((edge) => edge.node.name)).toEqual(['needle 3']);
    expect(second.data?.pastRequests.pageInfo.hasNextPage).toBe(false);
  });

  it('pages a common search in order', async () => {
    const result = await test.gql<{
      pastRequests: { totalCountIsEstimate: boolean; edges: { node: { name: string } }[] };
    }>(
      `{ pastRequests(first: 2, search: "bulk") { totalCountIsEstimate edges { node { name } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.pastRequests.totalCountIsEstimate).toBe(true);
    expect(result.data?.pastRequests.edges.map((edge) => edge.node.name)).toEqual([
      'bulk 4',
      'bulk 5',
    ]);
  });

  it('counts an empty Live table exactly', async () => {
    const result = await test.gql<{
      liveRequests: { totalCount: number; totalCountIsEstimate: boolean };
    }>(`{ liveRequests(tab: PENDING, first: 1) { totalCount totalCountIsEstimate } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.liveRequests.totalCount).toBe(0);
    expect(result.data?.liveRequests.totalCountIsEstimate).toBe(false);
  });
});
