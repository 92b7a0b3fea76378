// A request table page read with one SQL statement on the pg pool. It serves the common case
// where the client selects only JitRequest columns, because relations such as auditTrail need
// Prisma. It follows Prisma's paging: `take` rows after the cursor row, or before it when `take`
// is negative. The cursor row is placed by its own values even when it no longer matches.
import type pg from 'pg';

import { scalarColumnsSql } from '../db/columns.js';
import { type TableFilter, tableFilterSql } from './request-count.js';
import { orderBySql, type RequestSortKey } from './request-table.js';

/** The Prisma arguments of one page: the client's selection and the paging. */
export interface PageQuery {
  select?: object | null;
  include?: object | null;
  take: number;
  skip: number;
  cursor?: { id?: string };
}

/** JitRequest columns in SQL, as the Prisma client returns them. */
const requestColumnSql = scalarColumnsSql('JitRequest', 'r');

/**
 * Returns the SQL columns for the planned selection, or null when it selects a relation or
 * anything else that only Prisma can load.
 */
export function selectedColumnsSql(query: PageQuery): string | null {
  if (!query.select || Object.keys(query.include ?? {}).length > 0) return null;
  const fields = new Set(['id']);
  for (const [field, value] of Object.entries(query.select)) {
    if (value !== true || !requestColumnSql.has(field)) return null;
    fields.add(field);
  }
  return [...fields].map((field) => requestColumnSql.get(field)!).join(', ');
}

/**
 * Renders "this row comes after the cursor row $n in the table order" as a condition that is
 * never NULL, so that it can also be negated. Empty values sort last in both directions.
 */
function afterCursorSql(key: RequestSortKey, cursor: string): string {
  const later = key.descending ? '<' : '>';
  if (key.column === null) return `id ${later} ${cursor}`;
  const column = key.column;
  const cursorValue = `(SELECT ${column} FROM "JitRequest" WHERE id = ${cursor})`;
  if (!key.nullable) return `(${column}, id) ${later} (${cursorValue}, ${cursor})`;
  return `(CASE WHEN ${cursorValue} IS NULL THEN ${column} IS NULL AND id ${later} ${cursor}
           ELSE ${column} IS NULL OR (${column}, id) ${later} (${cursorValue}, ${cursor}) END)`;
}

/**
 * Reads one page of the requests matching `filter` in the order of `key`, or returns null when
 * the paging is not the kind the Prisma plugin plans (a cursor always comes with skip 1).
 */
export async function readTablePageSql(
  pool: pg.Pool,
  columns: string,
  filter: TableFilter,
  key: RequestSortKey,
  query: PageQuery,
): Promise<{ id: string }[] | null> {
  const cursorId = query.cursor?.id;
  if (query.cursor && (cursorId === undefined || query.skip !== 1)) return null;
  if (!query.cursor && query.skip !== 0) return null;

  const { condition, values } = tableFilterSql(filter);
  const conditions = [condition];
  const backward = query.take < 0;
  if (cursorId !== undefined) {
    values.push(cursorId);
    const cursor = `$${values.length}`;
    // Prisma returns no rows for a cursor that names no row.
    conditions.push(`EXISTS (SELECT 1 FROM "JitRequest" WHERE id = ${cursor})`);
    const after = afterCursorSql(key, cursor);
    conditions.push(backward ? `NOT (${after}) AND id <> ${cursor}` : after);
  }
  const { rows } = await pool.query<{ id: string }>(
    // ORDER BY names the table's columns: the output columns of the same names are converted
    // (enums to text, times to timestamptz), which would change the order or bypass the index.
    `SELECT ${columns} FROM "JitRequest" r
      WHERE ${conditions.join(' AND ')}
      ORDER BY ${orderBySql(key, backward, 'r')}
      LIMIT ${Math.abs(query.take)}`,
    values,
  );
  // A backward page is read in reverse and returned in table order, as Prisma does.
  return backward ? rows.reverse() : rows;
}

/** Reads the rows with these ids that still have one of `statuses`, in the order of `ids`. */
export async function readRowsByIdSql(
  pool: pg.Pool,
  columns: string,
  ids: readonly string[],
  statuses: readonly string[],
): Promise<{ id: string }[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT ${columns} FROM "JitRequest" r WHERE id = ANY($1::text[]) AND status = ANY($2::"JitStatus"[])`,
    [ids, statuses],
  );
  const position = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}
