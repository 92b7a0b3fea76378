// The Past table sorts that have an index must keep one whose order matches the ORDER BY exactly,
// empty values last included. With sorts and sequential scans disabled, PostgreSQL still plans a
// Sort node when no index matches, so the plan shows a missing or mismatched index.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pastStatuses } from '../../src/domain/requests/lifecycle.js';
import {
  requestOrderSql,
  type RequestSortField,
  type SortDirection,
} from '../../src/schema/request-table.js';
import { createTestDatabase, type TestDatabase } from '../helpers.js';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('SET enable_sort = off');
  await client.query('SET enable_seqscan = off');
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

const indexedSorts: RequestSortField[] = [
  'REQUESTED_AT',
  'NAME',
  'USER_ACCOUNT_NAME',
  'REQUESTED_BY',
  'ENDED_AT',
];

describe('Past table sort indexes', () => {
  it.each(
    indexedSorts.flatMap((field) =>
      (['ASC', 'DESC'] as SortDirection[]).map((direction) => [field, direction] as const),
    ),
  )('serves %s %s from an index', async (field, direction) => {
    const { orderBy } = requestOrderSql(field, direction);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM "JitRequest" WHERE status = ANY($1::"JitStatus"[])
        ORDER BY ${orderBy} LIMIT 51`,
      [pastStatuses],
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan, plan).not.toMatch(/\bSort\b/);
    expect(plan, plan).toMatch(/Index Scan/);
  });
});
