// Cursor paging through Prisma that survives a cursor row leaving the filter.

/** The paging part of a Prisma findMany: a cursor on the id, a skip and a signed take. */
export interface CursorPaging {
  cursor?: { id?: string };
  skip?: number;
  take?: number;
}

/**
 * Reads a page after or before a cursor row even when that row no longer matches the filter.
 * Prisma's `skip: 1` skips the first row found on the assumption that it is the cursor row, so a
 * cursor row that left the table (a Live request that moved on) would cost a real row. This reads
 * one row more without the skip and drops the cursor row itself.
 */
export async function readAroundCursor<Row extends { id: string }, Paging extends CursorPaging>(
  query: Paging,
  read: (paging: Paging) => Promise<Row[]>,
): Promise<Row[]> {
  const cursorId = query.cursor?.id;
  const take = query.take;
  if (cursorId === undefined || query.skip !== 1 || take === undefined) return read(query);
  const rows = (await read({ ...query, skip: 0, take: take + Math.sign(take) })).filter(
    (row) => row.id !== cursorId,
  );
  const limit = Math.abs(take);
  if (rows.length <= limit) return rows;
  return take >= 0 ? rows.slice(0, limit) : rows.slice(rows.length - limit);
}
