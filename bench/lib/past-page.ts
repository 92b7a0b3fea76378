// One Past table page fetched two ways: through GraphQL as a console sends it, and with the
// hand-written SQL a dedicated endpoint would run for the same rows.
import type pg from 'pg';

import { pastStatuses } from '../../src/domain/requests/lifecycle.js';
import type { GraphQLServer } from '../../src/http/yoga.js';
import { exactCountLimit } from '../../src/schema/request-count.js';
import {
  requestOrderSql,
  type RequestSortField,
  type SortDirection,
} from '../../src/schema/request-table.js';

export const pageSize = 50;

interface PageRow {
  id: string;
  status: string;
  requestedAt: Date;
}

/** The columns a console's Past table shows by default, plus the total for its pager. */
export const pastPageQuery = /* GraphQL */ `
  query PastPage($first: Int!, $after: String, $search: String, $orderBy: JitRequestOrder) {
    pastRequests(first: $first, after: $after, search: $search, orderBy: $orderBy) {
      totalCount
      totalCountIsEstimate
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          userAccountName
          status
          requestedBy
          requestedAt
          endedAt
          devices {
            name
          }
        }
      }
    }
  }
`;

/** Page options a console sends besides the page size: search text and a sort. */
export interface PastPageOptions {
  search?: string;
  order?: { field: RequestSortField; direction: SortDirection };
}

/** A page reduced to what both paths must agree on. */
export interface PastPage {
  totalCount: number;
  totalCountIsEstimate: boolean;
  hasNextPage: boolean;
  rows: { id: string; status: string; requestedAt: string; deviceNames: string[] }[];
}

interface GraphQLPastPage {
  data?: {
    pastRequests: {
      totalCount: number;
      totalCountIsEstimate: boolean;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: {
        node: { id: string; status: string; requestedAt: string; devices: { name: string }[] };
      }[];
    };
  };
  errors?: unknown[];
}

/** Sends the Past page query through yoga.fetch in process, as an HTTP client would. */
export async function fetchPastPageGraphQL(
  yoga: GraphQLServer,
  token: string,
  options: PastPageOptions = {},
): Promise<PastPage> {
  const variables = { first: pageSize, search: options.search, orderBy: options.order };
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: pastPageQuery, variables }),
  });
  const body = (await response.json()) as GraphQLPastPage;
  if (!body.data || body.errors) {
    throw new Error(`pastRequests failed: ${JSON.stringify(body.errors)}`);
  }
  const connection = body.data.pastRequests;
  return {
    totalCount: connection.totalCount,
    totalCountIsEstimate: connection.totalCountIsEstimate,
    hasNextPage: connection.pageInfo.hasNextPage,
    rows: connection.edges.map(({ node }) => ({
      id: node.id,
      status: node.status,
      requestedAt: node.requestedAt,
      deviceNames: node.devices.map((device) => device.name).sort(),
    })),
  };
}

const pageColumns = `id, name, "userAccountName", status, "requestedBy", "requestedAt", "endedAt"`;

// Devices of a request: its device sessions once it started, otherwise the devices recorded when
// it ended without starting (the same rule as JitRequest.devices for Past requests).
const devicesSql = `
  SELECT s."requestId", d.id, d.name
    FROM "DeviceSession" s JOIN "Device" d ON d.id = s."deviceId"
   WHERE s."requestId" = ANY($1::text[])
  UNION
  SELECT p."requestId", d.id, d.name
    FROM "PastRequestDevice" p JOIN "Device" d ON d.id = p."deviceId"
   WHERE p."requestId" = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = p."requestId")`;

/**
 * Runs what a hand-written endpoint with the API's count rules would run, as consecutive
 * statements on one pooled connection. Without a search: the page, a count capped at
 * exactCountLimit + 1 and, past the cap, an EXPLAIN for the estimate. With a search: the ids of up
 * to exactCountLimit + 1 matches first. When those are all the matches, the page is read among
 * them and the count is their number. Otherwise the page is read from the whole table and the
 * count is estimated with an EXPLAIN. The devices of the page come last.
 */
export async function fetchPastPageSql(
  pool: pg.Pool,
  options: PastPageOptions = {},
): Promise<PastPage> {
  const { search, order } = options;
  const pageOrder = `ORDER BY ${requestOrderSql(order?.field, order?.direction).orderBy} LIMIT ${pageSize + 1}`;
  const values: unknown[] = [pastStatuses];
  let filter = 'status = ANY($1::"JitStatus"[])';
  if (search) {
    filter += ' AND "searchText" LIKE $2';
    values.push(`%${search.trim().toLowerCase()}%`);
  }
  const client = await pool.connect();
  try {
    const pageOfTable = () =>
      client.query<PageRow>(
        `SELECT ${pageColumns} FROM "JitRequest" WHERE ${filter} ${pageOrder}`,
        values,
      );
    let page: pg.QueryResult<PageRow>;
    let totalCount: number;
    if (search) {
      const matches = await client.query<{ id: string }>(
        `SELECT id FROM "JitRequest" WHERE ${filter} LIMIT ${exactCountLimit + 1}`,
        values,
      );
      totalCount = matches.rows.length;
      page =
        totalCount > exactCountLimit
          ? await pageOfTable()
          : await client.query<PageRow>(
              `SELECT ${pageColumns} FROM "JitRequest" WHERE id = ANY($1::text[]) ${pageOrder}`,
              [matches.rows.map((match) => match.id)],
            );
    } else {
      page = await pageOfTable();
      const counted = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM (SELECT 1 FROM "JitRequest" WHERE ${filter} LIMIT ${exactCountLimit + 1}) AS matches`,
        values,
      );
      totalCount = counted.rows[0]!.count;
    }
    const totalCountIsEstimate = totalCount > exactCountLimit;
    if (totalCountIsEstimate) {
      const plan = await client.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
        `EXPLAIN (FORMAT JSON) SELECT 1 FROM "JitRequest" WHERE ${filter}`,
        values,
      );
      totalCount = Math.max(
        totalCount,
        Math.round(plan.rows[0]!['QUERY PLAN'][0]!.Plan['Plan Rows']),
      );
    }

    const rows = page.rows.slice(0, pageSize);
    const devices = await client.query<{ requestId: string; id: string; name: string }>(
      devicesSql,
      [rows.map((row) => row.id)],
    );
    const namesByRequest = new Map<string, string[]>();
    for (const device of devices.rows) {
      const names = namesByRequest.get(device.requestId) ?? [];
      names.push(device.name);
      namesByRequest.set(device.requestId, names);
    }
    return {
      totalCount,
      totalCountIsEstimate,
      hasNextPage: page.rows.length > pageSize,
      rows: rows.map((row) => ({
        id: row.id,
        status: row.status,
        requestedAt: row.requestedAt.toISOString(),
        deviceNames: (namesByRequest.get(row.id) ?? []).sort(),
      })),
    };
  } finally {
    client.release();
  }
}
