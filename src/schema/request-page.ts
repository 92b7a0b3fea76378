// One page of a request table, and the count that goes with it. A search for a ticket id or a user
// account matches at most a few hundred rows. Those are found and sorted in one SQL statement, and
// only the page's rows are read. A broader search, or none, reads the page with its where-clause:
// in SQL when the client selects only columns (request-page-sql.ts), otherwise through Prisma.
import type { GraphQLResolveInfo } from 'graphql';

import type { Prisma } from '../db/client.js';
import type { JitRequest } from '../generated/prisma/client.js';
import { readAroundCursor } from '../db/paging.js';
import {
  type CountDatabase,
  countConnectionOnce,
  countRequests,
  estimateRequests,
  exactCountLimit,
  prefetchConnectionCount,
  tableFilterOf,
  tableFilterSql,
} from './request-count.js';
import { readRowsByIdSql, readTablePageSql, selectedColumnsSql } from './request-page-sql.js';
import {
  requestOrderBy,
  requestOrderSql,
  type RequestSortField,
  requestSortKey,
  type SortDirection,
} from './request-table.js';

/** The paging arguments the Prisma plugin plans for a connection, with the client's selection. */
export type PlannedPageQuery = Pick<
  Prisma.JitRequestFindManyArgs,
  'cursor' | 'include' | 'select'
> & {
  take: number;
  skip: number;
};

export interface RequestPageOptions {
  /** The connection's arguments, also the key its count is kept under. */
  args: object;
  info: GraphQLResolveInfo;
  where: Prisma.JitRequestWhereInput;
  order: { field?: RequestSortField; direction?: SortDirection };
  query: PlannedPageQuery;
}

/**
 * Reads the page that `query` plans (take, skip, cursor) of the requests matching `where`, in
 * Prisma's order and with Prisma's paging semantics, and starts or settles the connection's count.
 *
 * The planner estimates a LIKE '%term%' from a histogram sample, so it may take a rare term for a
 * common one and walk the requestedAt index in search of a page of matches. That walk took about
 * 1.8 s for a user account found in 512 of a million requests. The search therefore collects up to
 * `exactCountLimit` + 1 matching ids first, in a statement whose plan cannot walk that index. When
 * that is all of them, they also give the exact count, and the page is cut from them. A search
 * with more matches keeps its where-clause: walking the index is then the fast plan.
 */
export async function findRequestPage(
  db: CountDatabase,
  options: RequestPageOptions,
): Promise<JitRequest[]> {
  // Typed as full rows, as the Prisma plugin expects. Each contains the planned selection only.
  return (await readPage(db, options)) as JitRequest[];
}

async function readPage(db: CountDatabase, options: RequestPageOptions): Promise<{ id: string }[]> {
  const { args, info, where, query } = options;
  const orderBy = requestOrderBy(options.order.field, options.order.direction);
  const filter = tableFilterOf(where);
  // A selection of columns only is read in SQL, which costs about a millisecond less than Prisma.
  const columns = selectedColumnsSql(query);
  const readTable = async () => {
    if (columns !== null && filter !== null) {
      const key = requestSortKey(options.order.field, options.order.direction);
      const rows = await readTablePageSql(db.pool, columns, filter, key, query);
      if (rows !== null) return rows;
    }
    return readAroundCursor(query, (paging) =>
      db.prisma.jitRequest.findMany({ ...paging, where, orderBy }),
    );
  };

  if (filter === null || filter.contains === null) {
    prefetchConnectionCount(args, info, () => countRequests(db, where));
    return readTable();
  }

  const order = requestOrderSql(options.order.field, options.order.direction);
  const { condition, values } = tableFilterSql(filter);
  // MATERIALIZED keeps the LIMIT inside: the matches are found first, then sorted.
  const { rows: matches } = await db.pool.query<{ id: string }>(
    `WITH matches AS MATERIALIZED (
       SELECT ${order.columns.join(', ')} FROM "JitRequest" WHERE ${condition} LIMIT ${exactCountLimit + 1}
     )
     SELECT id FROM matches ORDER BY ${order.orderBy}`,
    values,
  );
  if (matches.length > exactCountLimit) {
    prefetchConnectionCount(args, info, () => estimateRequests(db, filter));
    return readTable();
  }
  void countConnectionOnce(args, () =>
    Promise.resolve({ count: matches.length, isEstimate: false }),
  );

  const sortedIds = matches.map((match) => match.id);
  const pageIds = cutPage(sortedIds, query);
  const { take: _take, skip: _skip, cursor: _cursor, ...selection } = query;
  if (pageIds === null) {
    // The cursor row no longer matches (a Live request that moved on): Prisma places it by its
    // own sort values, among the matches found above.
    return readAroundCursor(query, (paging) =>
      db.prisma.jitRequest.findMany({
        ...paging,
        where: { ...where, id: { in: sortedIds } },
        orderBy,
      }),
    );
  }
  if (pageIds.length === 0) return [];
  // The status filter again: a Live request may have moved to another table since the search.
  if (columns !== null) return readRowsByIdSql(db.pool, columns, pageIds, filter.statuses);
  const rows = await db.prisma.jitRequest.findMany({
    ...selection,
    where: { id: { in: pageIds }, status: where.status },
  });
  const position = new Map(pageIds.map((id, index) => [id, index]));
  return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}

/**
 * Applies Prisma's paging to ids already in order: from the cursor row (left out when skip is 1)
 * take rows forward, or with a negative take the rows up to the cursor. Returns null when the
 * cursor is not among the ids.
 */
export function cutPage(
  sortedIds: readonly string[],
  page: Pick<PlannedPageQuery, 'take' | 'skip' | 'cursor'>,
): string[] | null {
  const { take, skip } = page;
  if (!page.cursor) {
    return take >= 0
      ? sortedIds.slice(skip, skip + take)
      : sortedIds.slice(Math.max(0, sortedIds.length - skip + take), sortedIds.length - skip);
  }
  const at = page.cursor.id === undefined ? -1 : sortedIds.indexOf(page.cursor.id);
  if (at === -1) return null;
  if (take >= 0) return sortedIds.slice(at + skip, at + skip + take);
  const end = at + 1 - skip;
  return sortedIds.slice(Math.max(0, end + take), end);
}
