import type { Prisma } from '../db/client.js';
import { ValidationError } from '../domain/errors.js';
import { pastStatuses } from '../domain/requests/lifecycle.js';
import { builder } from './builder.js';
import { JitStatusEnum, LiveTabEnum } from './enums.js';
import { JitRequestRef } from './jit-request.js';

export const maxPageSize = 100;
export const maxSearchLength = 200;

export const SortDirectionEnum = builder.enumType('SortDirection', {
  values: ['ASC', 'DESC'] as const,
});

/** Table columns a console may sort by; each maps to one JitRequest column. */
export const requestSortColumns = {
  NAME: 'name',
  USER_ACCOUNT_NAME: 'userAccountName',
  STATUS: 'status',
  DURATION_TYPE: 'durationType',
  DURATION_SECONDS: 'durationSeconds',
  REQUESTED_BY: 'requestedBy',
  REQUESTED_AT: 'requestedAt',
  APPROVED_AT: 'approvedAt',
  SCHEDULED_START_AT: 'scheduledStartAt',
  STARTED_AT: 'startedAt',
  ENDED_AT: 'endedAt',
  EXPIRES_AT: 'expiresAt',
} as const;

const nullableSortColumns = [
  'approvedAt',
  'scheduledStartAt',
  'startedAt',
  'endedAt',
  'expiresAt',
] as const;

export const JitRequestSortFieldEnum = builder.enumType('JitRequestSortField', {
  values: Object.keys(requestSortColumns) as (keyof typeof requestSortColumns)[],
});

export const JitRequestOrderInput = builder.inputType('JitRequestOrder', {
  fields: (t) => ({
    field: t.field({ type: JitRequestSortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, defaultValue: 'DESC' }),
  }),
});

type RequestOrder = { field: keyof typeof requestSortColumns; direction?: 'ASC' | 'DESC' | null };

/** Prisma ordering for a table sort, with the id as tie-breaker so cursors stay stable. */
export function requestOrderBy(
  order: RequestOrder | null | undefined,
): Prisma.JitRequestOrderByWithRelationInput[] {
  const direction = (order?.direction ?? 'DESC') === 'ASC' ? 'asc' : 'desc';
  const column = requestSortColumns[order?.field ?? 'REQUESTED_AT'];
  const nullable = (nullableSortColumns as readonly string[]).includes(column);
  return [
    { [column]: nullable ? { sort: direction, nulls: 'last' } : direction },
    { id: direction },
  ];
}

/** Where-clause for free-text search over name, account, requester, reasons and device names. */
export function requestSearchWhere(search: string | null | undefined): Prisma.JitRequestWhereInput {
  const term = search?.trim();
  if (!term) return {};
  if (term.length > maxSearchLength) {
    throw new ValidationError(
      'search',
      `Search text is ${term.length} characters long; the maximum is ${maxSearchLength}.`,
    );
  }
  return { searchText: { contains: term.toLowerCase() } };
}

function requirePageSize(first: number | null | undefined) {
  if (first !== null && first !== undefined && (first < 0 || first > maxPageSize)) {
    throw new ValidationError('first', `first must be between 0 and ${maxPageSize}, not ${first}.`);
  }
}

builder.queryFields((t) => ({
  liveRequests: t.prismaConnection({
    type: 'JitRequest',
    cursor: 'id',
    defaultSize: 50,
    maxSize: maxPageSize,
    totalCount: (_parent, args, context) =>
      context.prisma.jitRequest.count({
        where: { status: args.tab, ...requestSearchWhere(args.search) },
      }),
    args: {
      tab: t.arg({ type: LiveTabEnum, required: true }),
      search: t.arg.string(),
      orderBy: t.arg({ type: JitRequestOrderInput }),
    },
    resolve: (query, _parent, args, context) => {
      requirePageSize(args.first);
      return context.prisma.jitRequest.findMany({
        ...query,
        where: { status: args.tab, ...requestSearchWhere(args.search) },
        orderBy: requestOrderBy(args.orderBy),
      });
    },
  }),
  pastRequests: t.prismaConnection({
    type: 'JitRequest',
    cursor: 'id',
    defaultSize: 50,
    maxSize: maxPageSize,
    totalCount: (_parent, args, context) =>
      context.prisma.jitRequest.count({ where: pastWhere(args.statuses, args.search) }),
    args: {
      search: t.arg.string(),
      statuses: t.arg({ type: [JitStatusEnum] }),
      orderBy: t.arg({ type: JitRequestOrderInput }),
    },
    resolve: (query, _parent, args, context) => {
      requirePageSize(args.first);
      return context.prisma.jitRequest.findMany({
        ...query,
        where: pastWhere(args.statuses, args.search),
        orderBy: requestOrderBy(args.orderBy),
      });
    },
  }),
  jitRequest: t.prismaField({
    type: 'JitRequest',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) =>
      context.prisma.jitRequest.findUnique({ ...query, where: { id: String(args.id) } }),
  }),
}));

function pastWhere(
  statuses: readonly string[] | null | undefined,
  search: string | null | undefined,
): Prisma.JitRequestWhereInput {
  const allowed = pastStatuses as readonly string[];
  const live = statuses?.find((status) => !allowed.includes(status));
  if (live) {
    throw new ValidationError(
      'statuses',
      `Status ${live} belongs to the Live tables; pastRequests accepts ${pastStatuses.join(', ')}.`,
    );
  }
  const chosen = statuses && statuses.length > 0 ? statuses : pastStatuses;
  return {
    status: { in: chosen as (typeof pastStatuses)[number][] },
    ...requestSearchWhere(search),
  };
}
