// totalCount of the request tables, and the narrowing of a search to its matching ids. Counting
// every match costs a scan of every matching row (about a second for a common search word over a
// million requests), so rows are counted exactly up to a limit, and above it totalCount is
// PostgreSQL's planner estimate.
import { type GraphQLResolveInfo, Kind } from 'graphql';

import type pg from 'pg';

import type { Prisma, PrismaClient } from '../db/client.js';

/**
 * Database handles for the counts: Prisma for a filter it must translate, and the pool under it
 * for the SQL written here, which skips Prisma's per-statement overhead (about a millisecond).
 */
export interface CountDatabase {
  prisma: PrismaClient;
  pool: pg.Pool;
}

/** Matches counted exactly; above this many, totalCount is the planner's estimate. */
export const exactCountLimit = 1_000;

export interface RequestCount {
  /** Matching requests: exact, or PostgreSQL's estimate when `isEstimate` is true. */
  count: number;
  isEstimate: boolean;
}

/**
 * Counts the requests matching `where`: exactly when at most `exactCountLimit` match, otherwise
 * the planner's row estimate for the same filter, never less than `exactCountLimit + 1`. A filter
 * other than a status (or status list) plus an optional `searchText` contains is counted exactly.
 */
export async function countRequests(
  db: CountDatabase,
  where: Prisma.JitRequestWhereInput,
): Promise<RequestCount> {
  const filter = tableFilterOf(where);
  if (filter === null)
    return { count: await db.prisma.jitRequest.count({ where }), isEstimate: false };

  // Written in SQL because Prisma's count with `take` adds ORDER BY id, which can steer the
  // planner to a scan of the primary key for a search.
  const { condition, values } = tableFilterSql(filter);
  const counted = await db.pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT 1 FROM "JitRequest" WHERE ${condition} LIMIT ${exactCountLimit + 1}) AS matches`,
    values,
  );
  const count = counted.rows[0]?.count ?? 0;
  if (count <= exactCountLimit) return { count, isEstimate: false };
  return estimateRequests(db, filter);
}

/** Returns the planner's row estimate for a table filter, never less than `exactCountLimit` + 1. */
export async function estimateRequests(
  db: CountDatabase,
  filter: TableFilter,
): Promise<RequestCount> {
  const { condition, values } = tableFilterSql(filter);
  const plan = await db.pool.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM "JitRequest" WHERE ${condition}`,
    values,
  );
  const estimate = Math.round(plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
  return { count: Math.max(estimate, exactCountLimit + 1), isEstimate: true };
}

/** The filter of a request table: its statuses and the search, as request-table.ts builds it. */
export interface TableFilter {
  statuses: string[];
  /** The `contains` value, already LIKE-escaped by the caller. */
  contains: string | null;
}

export function tableFilterOf(where: Prisma.JitRequestWhereInput): TableFilter | null {
  const { status, searchText, ...rest } = where;
  if (Object.keys(rest).length > 0) return null;

  let statuses: string[];
  if (typeof status === 'string') statuses = [status];
  else if (status && Object.keys(status).length === 1 && Array.isArray(status.in))
    statuses = [...status.in];
  else return null;

  if (searchText === undefined) return { statuses, contains: null };
  if (
    typeof searchText === 'object' &&
    Object.keys(searchText).length === 1 &&
    typeof searchText.contains === 'string'
  )
    return { statuses, contains: searchText.contains };
  return null;
}

/**
 * Builds the predicates Prisma sends for `in` and `contains`, so that the planner estimates the
 * same selectivity. LIKE's default escape character is the backslash that the caller escaped
 * wildcards with.
 */
export function tableFilterSql(filter: TableFilter): { condition: string; values: unknown[] } {
  if (filter.contains === null) {
    return { condition: 'status = ANY($1::"JitStatus"[])', values: [filter.statuses] };
  }
  return {
    condition: 'status = ANY($1::"JitStatus"[]) AND "searchText" LIKE $2',
    values: [filter.statuses, `%${filter.contains}%`],
  };
}

const countsByArgs = new WeakMap<object, Promise<RequestCount>>();

/**
 * Runs `count` once per connection. `args` is the connection field's argument object, which the
 * Prisma plugin also stores on the connection it builds, so totalCount and totalCountIsEstimate
 * share one count.
 */
export function countConnectionOnce(
  args: object,
  count: () => Promise<RequestCount>,
): Promise<RequestCount> {
  let pending = countsByArgs.get(args);
  if (!pending) {
    pending = count();
    countsByArgs.set(args, pending);
  }
  return pending;
}

/** Returns the count that `countConnectionOnce` started for a connection, if any. */
export function countOfConnection(connection: object): Promise<RequestCount> | undefined {
  const { args } = connection as { args?: object };
  return args ? countsByArgs.get(args) : undefined;
}

/**
 * Starts the connection's count while its page loads, when the operation selects totalCount or
 * totalCountIsEstimate directly (a selection inside a fragment starts it later, as usual). The
 * Prisma plugin would otherwise run the count only after the page and its relations.
 */
export function prefetchConnectionCount(
  args: object,
  info: GraphQLResolveInfo,
  count: () => Promise<RequestCount>,
): void {
  const selected = info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === 'totalCount' || selection.name.value === 'totalCountIsEstimate'),
    ),
  );
  if (!selected) return;
  // The totalCount resolver awaits the same promise and reports a failure. This catch only keeps
  // a failure from also surfacing as an unhandled rejection when the page fails first.
  countConnectionOnce(args, count).catch(() => undefined);
}
