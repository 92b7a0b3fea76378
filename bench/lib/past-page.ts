// One Past table page fetched two ways: through GraphQL as a console sends it, and with the
// hand-written SQL a dedicated endpoint would run for the same rows.
import type pg from 'pg';

import { pastStatuses } from '../../src/domain/requests/lifecycle.js';
import type { GraphQLServer } from '../../src/http/yoga.js';
import { exactCountLimit } from '../../src/schema/request-count.js';

export const pageSize = 50;

/** The columns a console's Past table shows by default, plus the total for its pager. */
export const pastPageQuery = /* GraphQL */ `
  query PastPage($first: Int!, $after: String, $search: String) {
    pastRequests(first: $first, after: $after, search: $search) {
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
  search?: string,
): Promise<PastPage> {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: pastPageQuery, variables: { first: pageSize, search } }),
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

const pageSql = `
  SELECT id, name, "userAccountName", status, "requestedBy", "requestedAt", "endedAt"
    FROM "JitRequest"
   WHERE status = ANY($1::"JitStatus"[]) AND ($2::text IS NULL OR "searchText" LIKE $2)
   ORDER BY "requestedAt" DESC, id DESC
   LIMIT $3`;

// Devices of a request: its device sessions once it started, otherwise the devices it named and
// the members of the groups it named (the same rule as JitRequest.devices).
const devicesSql = `
  SELECT s."requestId", d.id, d.name
    FROM "DeviceSession" s JOIN "Device" d ON d.id = s."deviceId"
   WHERE s."requestId" = ANY($1::text[])
  UNION
  SELECT t."requestId", d.id, d.name
    FROM "JitRequestTarget" t JOIN "Device" d ON d.id = t."deviceId"
   WHERE t."requestId" = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = t."requestId")
  UNION
  SELECT t."requestId", d.id, d.name
    FROM "JitRequestTarget" t
    JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
    JOIN "Device" d ON d.id = m."deviceId"
   WHERE t."requestId" = ANY($1::text[])
     AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = t."requestId")`;

// The total as the API defines it: exact up to exactCountLimit, the planner's estimate above.
const cappedCountSql = `
  SELECT count(*)::int AS count FROM (
    SELECT 1 FROM "JitRequest"
     WHERE status = ANY($1::"JitStatus"[]) AND ($2::text IS NULL OR "searchText" LIKE $2)
     LIMIT $3) AS matches`;

const estimateSql = (search: boolean) =>
  `EXPLAIN (FORMAT JSON) SELECT 1 FROM "JitRequest" WHERE status = ANY($1::"JitStatus"[])${search ? ' AND "searchText" LIKE $2' : ''}`;

/**
 * Runs the page, its devices and the total (a capped count, then an EXPLAIN when the cap is
 * reached) as consecutive statements on one pooled connection.
 */
export async function fetchPastPageSql(pool: pg.Pool, search?: string): Promise<PastPage> {
  const pattern = search ? `%${search.trim().toLowerCase()}%` : null;
  const client = await pool.connect();
  try {
    const page = await client.query<{ id: string; status: string; requestedAt: Date }>(pageSql, [
      pastStatuses,
      pattern,
      pageSize + 1,
    ]);
    const rows = page.rows.slice(0, pageSize);
    const devices = await client.query<{ requestId: string; id: string; name: string }>(
      devicesSql,
      [rows.map((row) => row.id)],
    );
    const counted = await client.query<{ count: number }>(cappedCountSql, [
      pastStatuses,
      pattern,
      exactCountLimit + 1,
    ]);
    let totalCount = counted.rows[0]!.count;
    const totalCountIsEstimate = totalCount > exactCountLimit;
    if (totalCountIsEstimate) {
      const plan = await client.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
        estimateSql(pattern !== null),
        pattern === null ? [pastStatuses] : [pastStatuses, pattern],
      );
      totalCount = Math.max(
        totalCount,
        Math.round(plan.rows[0]!['QUERY PLAN'][0]!.Plan['Plan Rows']),
      );
    }

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
