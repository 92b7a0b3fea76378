import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Prisma } from '../../src/db/client.js';
import { requestSortColumns } from '../../src/schema/request-table.js';
import { createTestGroup, createTestRequest, enrollTestDevice, uniqueName } from '../factories.js';
import type {
  JitRequestSortField,
  JitStatus,
  PastRequestsQuery as PastRequestsResult,
  RequestTable,
} from '../gql/graphql.js';
import { type GraphQLResult, startTestApp, type TestApp } from '../helpers.js';
import {
  DevicesQuery,
  execute,
  LiveRequestsQuery,
  PastRequestsQuery,
  TableColumnsQuery,
} from './operations.js';

let test: TestApp;
const base = Date.parse('2026-06-01T08:00:00Z');
const hours = (n: number) => new Date(base + n * 3_600_000);

/** Inserts a Past request straight into the table, as the scheduler would have left it. */
function insertPastRequest(data: Partial<Prisma.JitRequestUncheckedCreateInput>) {
  return test.app.database.prisma.jitRequest.create({
    data: {
      name: uniqueName('past'),
      userAccountName: 'alice',
      durationType: 'FIXED',
      durationSeconds: 600,
      status: 'COMPLETED',
      requesterKind: 'USER',
      requestedBy: 'alice',
      requestedAt: hours(0),
      endedAt: hours(1),
      ...data,
    },
  });
}

const names = ['alpha', 'bravo', 'charlie'];
const pastStatuses: JitStatus[] = ['COMPLETED', 'DENIED', 'REVOKED', 'EXPIRED', 'FAILED'];

beforeAll(async () => {
  test = await startTestApp();
  // Thirteen Past rows with many ties and empty values, so every sort has ties to break.
  for (let i = 0; i < 13; i++) {
    await insertPastRequest({
      name: names[i % 3],
      userAccountName: ['bob', 'alice'][i % 2],
      durationType: i % 4 === 0 ? 'SCHEDULED' : 'FIXED',
      durationSeconds: [600, 1200][i % 2],
      extensionSeconds: [0, 300][i % 3 === 0 ? 1 : 0],
      scheduledStartAt: i % 4 === 0 ? hours(i % 3) : null,
      internetAccessRequired: i % 3 === 1,
      status: pastStatuses[i % pastStatuses.length],
      requesterKind: i % 2 === 0 ? 'USER' : 'ADMIN',
      requestedBy: ['carol', 'dave'][i % 2],
      requestedAt: hours(i % 4),
      approvedBy: i % 3 === 0 ? null : ['erin', 'frank'][i % 2],
      approvedAt: i % 3 === 0 ? null : hours(i % 5),
      startedAt: i % 5 === 0 ? null : hours(i % 3),
      endedAt: hours(10 + (i % 2)),
      expiresAt: i % 5 === 0 ? null : hours(5 + (i % 3)),
      reasonByUser: i % 2 === 0 ? null : ['needs', 'update'][i % 4 === 1 ? 0 : 1],
      reasonByAdmin: i % 3 === 2 ? null : 'ok',
      revokedBy: i % 5 === 2 ? 'grace' : null,
      extensionRequested: i % 6 === 0,
    });
  }
});

afterAll(async () => {
  await test.close();
});

type PastNode = PastRequestsResult['pastRequests']['edges'][number]['node'];

async function readAllPages(orderBy: { field: JitRequestSortField; direction: 'ASC' | 'DESC' }) {
  const rows: PastNode[] = [];
  const totals = new Set<number>();
  let after: string | null | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await execute(test, PastRequestsQuery, { orderBy, first: 4, after });
    expect(result.errors).toBeUndefined();
    const connection = result.data!.pastRequests;
    totals.add(connection.totalCount);
    rows.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return { rows, totals };
    after = connection.pageInfo.endCursor;
  }
  throw new Error('pagination did not end within 20 pages');
}

const enumOrder: Record<string, readonly string[]> = {
  status: [
    'PENDING',
    'SCHEDULED',
    'ACTIVE',
    'COMPLETED',
    'DENIED',
    'REVOKED',
    'PRE_REVOKED',
    'EXPIRED',
    'FAILED',
  ],
  durationType: ['FIXED', 'SCHEDULED'],
  requesterKind: ['USER', 'ADMIN'],
};

/** Compares two non-null cell values the way PostgreSQL orders them. */
function compareValues(key: string, a: unknown, b: unknown): number {
  const order = enumOrder[key];
  if (order) return order.indexOf(String(a)) - order.indexOf(String(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // Text here is lower-case ASCII and dates are ISO strings in UTC: code-unit order is right.
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

describe('pastRequests ordering', () => {
  const fields = Object.keys(requestSortColumns) as JitRequestSortField[];

  it.each(fields.flatMap((field) => [[field, 'ASC'] as const, [field, 'DESC'] as const]))(
    'pages through %s %s stably',
    async (field, direction) => {
      const { rows, totals } = await readAllPages({ field, direction });
      expect(totals).toEqual(new Set([13]));
      expect(new Set(rows.map((row) => row.id)).size).toBe(13);

      const key = requestSortColumns[field];
      const sign = direction === 'ASC' ? 1 : -1;
      for (let i = 1; i < rows.length; i++) {
        const previous = rows[i - 1]! as Record<string, unknown>;
        const current = rows[i]! as Record<string, unknown>;
        const [a, b] = [previous[key], current[key]];
        if (a === null || b === null) {
          // Empty values come last whichever the direction.
          expect(b === null, `${key}: a value after an empty one at row ${i}`).toBe(true);
        } else {
          expect(sign * compareValues(key, a, b), `${key} order at row ${i}`).toBeLessThanOrEqual(
            0,
          );
          if (compareValues(key, a, b) !== 0) continue;
        }
        if (a === b || (a === null && b === null)) {
          expect(
            sign * compareValues('id', previous.id, current.id),
            `tie at row ${i}`,
          ).toBeLessThan(0);
        }
      }
    },
  );

  it('sorts newest requests first by default', async () => {
    const result = await execute(test, PastRequestsQuery, { first: 100 });
    const requestedAt = result.data!.pastRequests.edges.map((edge) => edge.node.requestedAt);
    expect(requestedAt).toEqual([...requestedAt].sort().reverse());
  });
});

describe('pastRequests read paths', () => {
  // A page that selects only columns is read in SQL; one that selects a relation goes through
  // Prisma. Both must page identically, forward and backward, in every order.
  const fields = Object.keys(requestSortColumns) as JitRequestSortField[];
  const pageQuery = (
    extra: string,
  ) => `query ($orderBy: JitRequestOrder, $first: Int, $after: String, $last: Int, $before: String) {
    pastRequests(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id ${extra} } }
    }
  }`;
  type Page = {
    pastRequests: {
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
      edges: { node: { id: string } }[];
    };
  };

  async function walk(extra: string, orderBy: object, backward: boolean) {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const variables: Record<string, unknown> = backward
        ? { orderBy, last: 3, before: cursor }
        : { orderBy, first: 3, after: cursor };
      const result: GraphQLResult<Page> = await test.gql<Page>(pageQuery(extra), variables);
      expect(result.errors).toBeUndefined();
      const { pageInfo, edges }: Page['pastRequests'] = result.data!.pastRequests;
      const page = edges.map((edge) => edge.node.id);
      if (backward) ids.unshift(...page);
      else ids.push(...page);
      if (backward ? !pageInfo.hasPreviousPage : !pageInfo.hasNextPage) return ids;
      cursor = backward ? pageInfo.startCursor : pageInfo.endCursor;
    }
    throw new Error('paging did not end within 10 pages');
  }

  it.each(fields.flatMap((field) => [[field, 'ASC'] as const, [field, 'DESC'] as const]))(
    'agree on %s %s',
    async (field, direction) => {
      const orderBy = { field, direction };
      const viaPrisma = await walk('auditTrail { action }', orderBy, false);
      expect(viaPrisma).toHaveLength(13);
      expect(await walk('', orderBy, false)).toEqual(viaPrisma);
      expect(await walk('', orderBy, true)).toEqual(viaPrisma);
      expect(await walk('auditTrail { action }', orderBy, true)).toEqual(viaPrisma);
    },
  );
});

describe('pastRequests search paging', () => {
  // A search with few matches is sorted and paged in SQL outside Prisma. Its pages must follow
  // the order of the full table, forward and backward.
  const fields = Object.keys(requestSortColumns) as JitRequestSortField[];
  const pageQuery = `query ($search: String, $statuses: [JitStatus!], $orderBy: JitRequestOrder, $first: Int, $after: String, $last: Int, $before: String) {
    pastRequests(search: $search, statuses: $statuses, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id userAccountName status } }
    }
  }`;
  type Page = {
    pastRequests: {
      totalCount: number;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
      edges: { cursor: string; node: { id: string; userAccountName: string; status: string } }[];
    };
  };

  async function page(variables: Record<string, unknown>) {
    const result = await test.gql<Page>(pageQuery, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.pastRequests;
  }

  it.each(fields.flatMap((field) => [[field, 'ASC'] as const, [field, 'DESC'] as const]))(
    'pages a search by %s %s both ways',
    async (field, direction) => {
      const orderBy = { field, direction };
      const table = await page({ orderBy, first: 100 });
      const expected = table.edges
        .filter((edge) => edge.node.userAccountName === 'bob')
        .map((edge) => edge.node.id);
      expect(expected).toHaveLength(7);

      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 5; i++) {
        const found = await page({ search: 'BOB', orderBy, first: 3, after });
        expect(found.totalCount).toBe(7);
        expect(found.pageInfo.hasPreviousPage).toBe(after !== null);
        forward.push(...found.edges.map((edge) => edge.node.id));
        if (!found.pageInfo.hasNextPage) break;
        after = found.pageInfo.endCursor;
      }
      expect(forward).toEqual(expected);

      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 5; i++) {
        const found = await page({ search: 'bob', orderBy, last: 3, before });
        backward.unshift(...found.edges.map((edge) => edge.node.id));
        if (!found.pageInfo.hasPreviousPage) break;
        before = found.pageInfo.startCursor;
      }
      expect(backward).toEqual(expected);
    },
  );

  it('continues after a non-matching cursor row', async () => {
    const orderBy = { field: 'NAME', direction: 'ASC' } as const;
    const table = (await page({ orderBy, first: 100 })).edges;
    const cursorAt = table.findIndex((edge) => edge.node.userAccountName !== 'bob');
    const expected = table
      .slice(cursorAt + 1)
      .filter((edge) => edge.node.userAccountName === 'bob')
      .map((edge) => edge.node.id);
    expect(expected.length).toBeGreaterThan(0);
    const found = await page({
      search: 'bob',
      orderBy,
      first: 100,
      after: table[cursorAt]!.cursor,
    });
    expect(found.edges.map((edge) => edge.node.id)).toEqual(expected);
  });
  it.each([
    ['after', 'first'],
    ['before', 'last'],
  ] as const)('keeps every row %s a filtered-out cursor', async (direction, size) => {
    // Without a search Prisma reads the page, and the cursor row is not among its matches.
    const orderBy = { field: 'REQUESTED_AT', direction: 'DESC' } as const;
    const table = (await page({ orderBy, first: 100 })).edges;
    const cursorAt = table.findIndex((edge) => edge.node.status === 'COMPLETED');
    const side = direction === 'after' ? table.slice(cursorAt + 1) : table.slice(0, cursorAt);
    const expected = side
      .filter((edge) => edge.node.status !== 'COMPLETED')
      .map((edge) => edge.node.id);
    expect(expected.length).toBeGreaterThan(0);
    const found = await page({
      statuses: ['DENIED', 'REVOKED', 'EXPIRED', 'FAILED'],
      orderBy,
      [size]: 100,
      [direction]: table[cursorAt]!.cursor,
    });
    expect(found.edges.map((edge) => edge.node.id)).toEqual(expected);
  });
});

describe('pastRequests filters', () => {
  it('keeps only the chosen statuses', async () => {
    const result = await execute(test, PastRequestsQuery, { statuses: ['DENIED', 'FAILED'] });
    const statuses = new Set(result.data!.pastRequests.edges.map((edge) => edge.node.status));
    expect(statuses).toEqual(new Set(['DENIED', 'FAILED']));
    expect(result.data!.pastRequests.totalCount).toBe(5);
  });

  it('treats an empty status list as every Past status', async () => {
    const result = await execute(test, PastRequestsQuery, { statuses: [] });
    expect(result.data!.pastRequests.totalCount).toBe(13);
  });

  it('rejects a Live status in the Past filter', async () => {
    const result = await execute(test, PastRequestsQuery, { statuses: ['COMPLETED', 'ACTIVE'] });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'statuses',
    });
    expect(result.errors?.[0]?.message).toContain('ACTIVE');
  });

  it('rejects an unknown status value', async () => {
    const result = await test.gql(`{ pastRequests(statuses: [FINISHED]) { totalCount } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'statuses',
    });
  });
});

describe('page size', () => {
  it('accepts 100 rows per page', async () => {
    const result = await execute(test, PastRequestsQuery, { first: 100 });
    expect(result.errors).toBeUndefined();
  });

  it.each([101, 1000])('rejects first: %i naming the value', async (first) => {
    const result = await execute(test, PastRequestsQuery, { first });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'first',
    });
    expect(result.errors?.[0]?.message).toContain(String(first));
  });

  it('points last: 101 at startCursor', async () => {
    const result = await test.gql('{ pastRequests(last: 101) { totalCount } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'last',
    });
    expect(result.errors?.[0]?.message).toContain('101');
    expect(result.errors?.[0]?.message).toContain('pageInfo.startCursor');
  });

  it('rejects first and last together', async () => {
    const result = await test.gql('{ pastRequests(first: 2, last: 2) { totalCount } }');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'last',
    });
    expect(result.errors?.[0]?.message).toContain('first (2) and last (2)');
  });

  it('rejects a negative page size', async () => {
    const result = await execute(test, PastRequestsQuery, { first: -1 });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'first',
    });
  });

  it('rejects an oversized page when only totalCount is asked for', async () => {
    const result = await test.gql(`{ pastRequests(first: 500) { totalCount } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'first',
    });
  });

  it('rejects a cursor it did not issue', async () => {
    const result = await execute(test, PastRequestsQuery, { after: 'not-a-cursor' });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'after',
    });
  });
});

describe('liveRequests search', () => {
  let gamma: { id: string; name: string };
  let groupMember: { id: string; name: string };
  let groupName: string;
  let activeId: string;
  let groupRequestId: string;

  beforeAll(async () => {
    gamma = await enrollTestDevice(test, { name: uniqueName('Gamma-MBP') });
    groupMember = await enrollTestDevice(test, { name: uniqueName('Studio-iMac') });
    groupName = uniqueName('Design-Team');
    await createTestGroup(test, [groupMember.id], groupName);
    const groupId = (
      await test.app.database.prisma.deviceGroup.findUniqueOrThrow({ where: { name: groupName } })
    ).id;
    activeId = (
      await createTestRequest(test, {
        name: 'Quarterly patching',
        userAccountName: 'kim',
        deviceIds: [gamma.id],
        reasonByAdmin: 'Needs Homebrew 100%_done',
      })
    ).id;
    groupRequestId = (
      await createTestRequest(test, {
        name: 'Font install',
        userAccountName: 'lee',
        deviceGroupIds: [groupId],
      })
    ).id;
  });

  async function search(text: string) {
    const result = await execute(test, LiveRequestsQuery, { tab: 'ACTIVE', search: text });
    expect(result.errors).toBeUndefined();
    return result.data!.liveRequests;
  }

  it.each([
    ['name', 'QUARTERLY'],
    ['user account', 'KIM'],
    ['reason', 'homebrew'],
    ['requester', 'Admin-User'],
  ])('finds a request by its %s, ignoring case', async (_what, text) => {
    const found = await search(text);
    expect(found.edges.map((edge) => edge.node.id)).toContain(activeId);
  });

  it('finds a request by device name', async () => {
    const found = await search(gamma.name.toUpperCase());
    expect(found.edges.map((edge) => edge.node.id)).toEqual([activeId]);
    expect(found.totalCount).toBe(1);
    expect(found.edges[0]!.node.devices.map((device) => device.name)).toEqual([gamma.name]);
  });

  it('finds a group request by group or member name', async () => {
    expect((await search(groupName.toLowerCase())).edges.map((e) => e.node.id)).toEqual([
      groupRequestId,
    ]);
    expect((await search(groupMember.name)).edges.map((e) => e.node.id)).toEqual([groupRequestId]);
  });

  it('treats % and _ as plain characters', async () => {
    expect((await search('100%_done')).edges.map((e) => e.node.id)).toEqual([activeId]);
    expect((await search('%')).edges.map((e) => e.node.id)).toEqual([activeId]);
    expect((await search('_')).totalCount).toBe(1);
  });

  it('ignores surrounding spaces and returns everything for blank text', async () => {
    expect((await search('  quarterly  ')).totalCount).toBe(1);
    expect((await search('   ')).totalCount).toBe(2);
  });

  it('rejects search text over 200 characters', async () => {
    const result = await execute(test, LiveRequestsQuery, {
      tab: 'ACTIVE',
      search: 'x'.repeat(201),
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'search',
    });
  });

  it('counts only the chosen tab', async () => {
    const pending = await execute(test, LiveRequestsQuery, { tab: 'PENDING' });
    expect(pending.data!.liveRequests.totalCount).toBe(0);
    const active = await execute(test, LiveRequestsQuery, { tab: 'ACTIVE', first: 1 });
    expect(active.data!.liveRequests.totalCount).toBe(2);
    expect(active.data!.liveRequests.edges).toHaveLength(1);
    expect(active.data!.liveRequests.pageInfo.hasNextPage).toBe(true);
  });
});

describe('tableColumns', () => {
  const tables: RequestTable[] = ['PENDING', 'ACTIVE', 'SCHEDULED', 'PAST'];

  it.each(tables)('describes the %s table', async (table) => {
    const result = await execute(test, TableColumnsQuery, { table });
    const columns = result.data!.tableColumns;
    const keys = columns.map((column) => column.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['name', 'userAccountName', 'devices']));
    expect(columns.filter((column) => column.defaultVisible).length).toBeGreaterThan(3);
    for (const column of columns) {
      expect(column.label.length).toBeGreaterThan(0);
      expect(column.sortable).toBe(column.sortField !== null);
    }
  });

  it('offers time columns per table', async () => {
    const active = (await execute(test, TableColumnsQuery, { table: 'ACTIVE' })).data!.tableColumns;
    const past = (await execute(test, TableColumnsQuery, { table: 'PAST' })).data!.tableColumns;
    expect(active.map((c) => c.key)).toContain('remainingSeconds');
    expect(active.map((c) => c.key)).not.toContain('endedAt');
    expect(past.map((c) => c.key)).toContain('endedAt');
    expect(past.map((c) => c.key)).not.toContain('remainingSeconds');
  });

  it('sorts by every sortable column', async () => {
    const past = (await execute(test, TableColumnsQuery, { table: 'PAST' })).data!.tableColumns;
    for (const column of past.filter((c) => c.sortField)) {
      const result = await execute(test, PastRequestsQuery, {
        orderBy: { field: column.sortField!, direction: 'ASC' },
        first: 1,
      });
      expect(result.errors, column.key).toBeUndefined();
    }
  });
});

describe('devices', () => {
  it('searches names and serial numbers without regard to case', async () => {
    const name = uniqueName('Kiosk-Mac');
    const device = await enrollTestDevice(test, { name });
    const byName = await execute(test, DevicesQuery, { search: name.toLowerCase() });
    expect(byName.data!.devices.edges.map((edge) => edge.node.id)).toEqual([device.id]);
    expect(byName.data!.devices.totalCount).toBe(1);
  });

  it('pages through every device once', async () => {
    const all = await execute(test, DevicesQuery, { first: 100 });
    const total = all.data!.devices.totalCount;
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const page = await execute(test, DevicesQuery, { first: 2, after });
      seen.push(...page.data!.devices.edges.map((edge) => edge.node.id));
      after = page.data!.devices.pageInfo.hasNextPage
        ? page.data!.devices.pageInfo.endCursor
        : null;
    } while (after);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('keeps the next device after a renamed cursor', async () => {
    const prefix = uniqueName('Relabel');
    const tag = uniqueName('tag');
    const [first, second] = [
      await enrollTestDevice(test, { name: `${prefix}-a-${tag}` }),
      await enrollTestDevice(test, { name: `${prefix}-b-${tag}` }),
      await enrollTestDevice(test, { name: `${prefix}-c-${tag}` }),
    ];
    const page1 = await execute(test, DevicesQuery, { search: tag, first: 1 });
    expect(page1.data!.devices.edges.map((edge) => edge.node.id)).toEqual([first!.id]);

    // The cursor device leaves the search between the two pages but keeps its place in the order.
    await test.app.database.prisma.device.update({
      where: { id: first!.id },
      data: { name: `${prefix}-a` },
    });
    const page2 = await execute(test, DevicesQuery, {
      search: tag,
      first: 1,
      after: page1.data!.devices.pageInfo.endCursor,
    });
    expect(page2.data!.devices.edges.map((edge) => edge.node.id)).toEqual([second!.id]);
  });
});
