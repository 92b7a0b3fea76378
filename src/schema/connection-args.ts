import { decodeBase64, decodeCursorChunk } from '@pothos/core';

import { ValidationError } from '../domain/errors.js';
import { truncate } from '../domain/requests/validation.js';
import { maxPageSize } from './request-table.js';

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** True for a cursor that the Prisma plugin issued (base64 of `GPC:` and one tagged value). */
function isPrismaCursor(cursor: string): boolean {
  try {
    const decoded = decodeBase64(cursor);
    if (!decoded.startsWith('GPC:')) return false;
    decodeCursorChunk(decoded.slice(4));
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks page arguments and returns the maximum page size. Pothos calls a connection's `maxSize`
 * before it reads the cursors, so this is where bad arguments are caught. Without it, Pothos would
 * silently shorten a page over the maximum and reject an unreadable cursor without a code.
 */
export function checkConnectionArgs(args: ConnectionArgs): number {
  if (args.first != null && args.last != null) {
    throw new ValidationError(
      'last',
      `first (${args.first}) and last (${args.last}) were both given; page forward with first and after, or backward with last and before.`,
    );
  }
  for (const field of ['first', 'last'] as const) {
    const size = args[field];
    if (size !== null && size !== undefined && (size < 0 || size > maxPageSize)) {
      const next = field === 'first' ? 'pageInfo.endCursor' : 'pageInfo.startCursor';
      throw new ValidationError(
        field,
        `${field} is ${size}, but a page holds 0 to ${maxPageSize} rows; request ${maxPageSize} or fewer and follow ${next} for more.`,
      );
    }
  }
  for (const field of ['after', 'before'] as const) {
    const cursor = args[field];
    if (cursor !== null && cursor !== undefined && !isPrismaCursor(cursor)) {
      throw new ValidationError(
        field,
        `Cursor '${truncate(cursor)}' is invalid; pass a cursor from edges or pageInfo of an earlier page.`,
      );
    }
  }
  return maxPageSize;
}
