import { builder } from './builder.js';
import { checkConnectionArgs } from './connection-args.js';
import { JitStatusEnum, LiveTabEnum } from './enums.js';
import { JitRequestRef } from './jit-request.js';
import { noteRequestIds } from './operation-log.js';
import { findRequestPage } from './request-page.js';
import {
  countConnectionOnce,
  countOfConnection,
  countRequests,
  exactCountLimit,
} from './request-count.js';
import {
  columnsOf,
  type RequestColumn,
  requestSortColumns,
  type RequestTable,
  requestTables,
  requestTableWhere,
} from './request-table.js';

export const SortDirectionEnum = builder.enumType('SortDirection', {
  values: ['ASC', 'DESC'] as const,
});

export const JitRequestSortFieldEnum = builder.enumType('JitRequestSortField', {
  description:
    'Columns a request table can be sorted by. Ties are broken by id, so pages never overlap. Empty values sort last in both directions. Text sorts in Unicode (ICU root) order, so case does not group names apart. STATUS and the other enums sort in declaration order.',
  values: Object.keys(requestSortColumns) as (keyof typeof requestSortColumns)[],
});

export const JitRequestOrderInput = builder.inputType('JitRequestOrder', {
  fields: (t) => ({
    field: t.field({ type: JitRequestSortFieldEnum, required: true }),
    direction: t.field({ type: SortDirectionEnum, defaultValue: 'DESC' }),
  }),
});

export const RequestTableEnum = builder.enumType('RequestTable', {
  description: 'The Live tables (PENDING, ACTIVE, SCHEDULED) and the Past table.',
  values: requestTables,
});

const TableColumnRef = builder
  .objectRef<{ column: RequestColumn; table: RequestTable }>('TableColumn')
  .implement({
    description: 'One column of a request table, for a column chooser.',
    fields: (t) => ({
      key: t.string({
        description:
          'Stable key: the JitRequest field that holds the value, also accepted by the CSV export in `columns`.',
        resolve: ({ column }) => column.key,
      }),
      label: t.string({ resolve: ({ column }) => column.label }),
      sortable: t.boolean({ resolve: ({ column }) => column.sortField !== null }),
      sortField: t.field({
        type: JitRequestSortFieldEnum,
        nullable: true,
        description: 'The orderBy field that sorts by this column; null when it cannot be sorted.',
        resolve: ({ column }) => column.sortField,
      }),
      defaultVisible: t.boolean({
        description: 'Whether the console shows the column before the user picks columns.',
        resolve: ({ column, table }) => column.defaultIn.includes(table),
      }),
    }),
  });

export const JitRequestConnectionRef = builder.connectionObject(
  {
    type: JitRequestRef,
    name: 'JitRequestConnection',
    fields: (t) => ({
      totalCount: t.int({
        description: `Rows matching the filters, on every page: exact up to ${exactCountLimit}, above that PostgreSQL's row estimate, raised to ${exactCountLimit + 1} when the estimate is lower (see totalCountIsEstimate).`,
        resolve: (connection) => resolveTotalCount(connection),
      }),
      totalCountIsEstimate: t.boolean({
        description: `True when more than ${exactCountLimit} rows match and totalCount is PostgreSQL's estimate instead of an exact count.`,
        resolve: async (connection) => {
          await resolveTotalCount(connection);
          return (await countOfConnection(connection))?.isEstimate ?? false;
        },
      }),
    }),
  },
  { name: 'JitRequestEdge' },
);

/** Reads the total count that the Prisma plugin places on a connection (a number or a loader). */
export function resolveTotalCount(connection: object): number | Promise<number> {
  const { totalCount } = connection as { totalCount?: number | (() => number | Promise<number>) };
  if (typeof totalCount === 'function') return totalCount();
  return totalCount ?? 0;
}

builder.queryFields((t) => ({
  liveRequests: t.prismaConnection(
    {
      type: 'JitRequest',
      description:
        'One Live table. Sorted by requestedAt, newest first, unless orderBy says otherwise.',
      cursor: 'id',
      defaultSize: 50,
      maxSize: checkConnectionArgs,
      args: {
        tab: t.arg({ type: LiveTabEnum, required: true }),
        search: t.arg.string({
          description:
            'Case-insensitive text found in the name, user account, requester, approver, revoker, reasons or device and group names.',
        }),
        orderBy: t.arg({ type: JitRequestOrderInput }),
      },
      totalCount: async (_parent, args, context) => {
        const where = requestTableWhere(args.tab, args);
        return (await countConnectionOnce(args, () => countRequests(context, where))).count;
      },
      resolve: (query, _parent, args, context, info) =>
        findRequestPage(context, {
          args,
          info,
          where: requestTableWhere(args.tab, args),
          order: { field: args.orderBy?.field, direction: args.orderBy?.direction ?? 'DESC' },
          query,
        }),
    },
    JitRequestConnectionRef,
  ),
  pastRequests: t.prismaConnection(
    {
      type: 'JitRequest',
      description:
        'The Past table: requests that ended and never change again. Sorted by requestedAt, newest first, unless orderBy says otherwise.',
      cursor: 'id',
      defaultSize: 50,
      maxSize: checkConnectionArgs,
      args: {
        search: t.arg.string({
          description:
            'Case-insensitive text found in the name, user account, requester, approver, revoker, reasons or device and group names.',
        }),
        statuses: t.arg({
          type: [JitStatusEnum],
          description: 'Past statuses to include; absent or empty: all of them.',
        }),
        orderBy: t.arg({ type: JitRequestOrderInput }),
      },
      totalCount: async (_parent, args, context) => {
        const where = requestTableWhere('PAST', args);
        return (await countConnectionOnce(args, () => countRequests(context, where))).count;
      },
      resolve: (query, _parent, args, context, info) =>
        findRequestPage(context, {
          args,
          info,
          where: requestTableWhere('PAST', args),
          order: { field: args.orderBy?.field, direction: args.orderBy?.direction ?? 'DESC' },
          query,
        }),
    },
    JitRequestConnectionRef,
  ),
  jitRequest: t.prismaField({
    type: 'JitRequest',
    nullable: true,
    description: 'One request by id; null when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _parent, args, context) => {
      const id = String(args.id);
      noteRequestIds(context, id);
      return context.prisma.jitRequest.findUnique({ ...query, where: { id } });
    },
  }),
  tableColumns: t.field({
    type: [TableColumnRef],
    description:
      'Columns of a request table in display order, for a column chooser and for the CSV export.',
    args: { table: t.arg({ type: RequestTableEnum, required: true }) },
    resolve: (_parent, args) =>
      columnsOf(args.table).map((column) => ({ column, table: args.table })),
  }),
}));
