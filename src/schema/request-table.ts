// The Live and Past request tables as a console shows them: columns, sorting, search and status
// filters. Shared by the GraphQL connections and the CSV export, so both accept the same keys.
import type { Prisma } from '../db/client.js';
import { ValidationError } from '../domain/errors.js';
import {
  type JitStatus,
  isLive,
  liveStatuses,
  pastStatuses,
  remainingSeconds,
} from '../domain/requests/lifecycle.js';

export const requestTables = ['PENDING', 'ACTIVE', 'SCHEDULED', 'PAST'] as const;
export type RequestTable = (typeof requestTables)[number];

export const maxPageSize = 100;
export const maxSearchLength = 200;

/** JitRequest columns a table may be sorted by, keyed by the GraphQL sort field name. */
export const requestSortColumns = {
  ID: 'id',
  NAME: 'name',
  USER_ACCOUNT_NAME: 'userAccountName',
  STATUS: 'status',
  DURATION_TYPE: 'durationType',
  DURATION_SECONDS: 'durationSeconds',
  EXTENSION_SECONDS: 'extensionSeconds',
  SCHEDULED_START_AT: 'scheduledStartAt',
  INTERNET_ACCESS_REQUIRED: 'internetAccessRequired',
  REQUESTER_KIND: 'requesterKind',
  REQUESTED_BY: 'requestedBy',
  REQUESTED_AT: 'requestedAt',
  APPROVED_BY: 'approvedBy',
  APPROVED_AT: 'approvedAt',
  STARTED_AT: 'startedAt',
  ENDED_AT: 'endedAt',
  EXPIRES_AT: 'expiresAt',
  // Remaining time falls as the expiry nears, so it sorts exactly like the expiry.
  REMAINING_SECONDS: 'expiresAt',
  REASON_BY_USER: 'reasonByUser',
  REASON_BY_ADMIN: 'reasonByAdmin',
  REVOKED_BY: 'revokedBy',
  EXTENSION_REQUESTED: 'extensionRequested',
} as const satisfies Record<string, keyof Prisma.JitRequestOrderByWithRelationInput>;

export type RequestSortField = keyof typeof requestSortColumns;
export type SortDirection = 'ASC' | 'DESC';

const nullableSortColumns: ReadonlySet<string> = new Set([
  'scheduledStartAt',
  'approvedBy',
  'approvedAt',
  'startedAt',
  'endedAt',
  'expiresAt',
  'reasonByUser',
  'reasonByAdmin',
  'revokedBy',
]);

/** A request row with what every column needs, devices included. */
export type RequestRow = Prisma.JitRequestGetPayload<{ select: typeof requestRowSelect }>;

const deviceNameSelect = { select: { id: true, name: true } } as const;

/**
 * Prisma selection that resolves a request's devices: session devices, else the devices recorded
 * when it ended without starting, else (while live) the current targets.
 */
export const requestDevicesSelect = {
  status: true,
  deviceSessions: { select: { device: deviceNameSelect } },
  pastDevices: { select: { device: deviceNameSelect } },
  targets: {
    select: {
      device: deviceNameSelect,
      group: { select: { members: { select: { device: deviceNameSelect } } } },
    },
  },
} as const satisfies Prisma.JitRequestSelect;

export const requestRowSelect = {
  id: true,
  name: true,
  userAccountName: true,
  durationType: true,
  durationSeconds: true,
  extensionSeconds: true,
  scheduledStartAt: true,
  internetAccessRequired: true,
  requesterKind: true,
  requestedBy: true,
  requestedAt: true,
  approvedBy: true,
  approvedAt: true,
  startedAt: true,
  endedAt: true,
  expiresAt: true,
  reasonByUser: true,
  reasonByAdmin: true,
  revokedBy: true,
  extensionRequested: true,
  ...requestDevicesSelect,
} as const satisfies Prisma.JitRequestSelect;

type DeviceName = { id: string; name: string };

/**
 * Devices of a request, sorted by name: those with a device session once the session started,
 * otherwise those recorded when it ended without starting, otherwise (while it is live) the
 * named devices plus the current members of the named groups.
 */
export function devicesOfRequest<D extends DeviceName>(request: {
  status: JitStatus;
  deviceSessions: { device: D }[];
  pastDevices: { device: D }[];
  targets: { device: D | null; group: { members: { device: D }[] } | null }[];
}): D[] {
  const devices = new Map<string, D>();
  if (request.deviceSessions.length > 0) {
    for (const session of request.deviceSessions) devices.set(session.device.id, session.device);
  } else if (!isLive(request.status)) {
    for (const past of request.pastDevices) devices.set(past.device.id, past.device);
  } else {
    for (const target of request.targets) {
      if (target.device) devices.set(target.device.id, target.device);
      for (const member of target.group?.members ?? [])
        devices.set(member.device.id, member.device);
    }
  }
  return [...devices.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}

export type CellValue = string | number | boolean | Date | null;

/** One column of a request table, as the column chooser and the CSV export see it. */
export interface RequestColumn {
  /** Stable key: the JitRequest field name, also accepted by the export's `columns`. */
  key: string;
  label: string;
  sortField: RequestSortField | null;
  /** Tables that show this column before the user picks columns. */
  defaultIn: readonly RequestTable[];
  /** Tables that offer the column at all; every table when absent. */
  onlyIn?: readonly RequestTable[];
  value(row: RequestRow, now: Date): CellValue;
}

const liveTables = ['PENDING', 'ACTIVE', 'SCHEDULED'] as const;

export const requestColumns: readonly RequestColumn[] = [
  { key: 'id', label: 'Request ID', sortField: 'ID', defaultIn: [], value: (r) => r.id },
  {
    key: 'name',
    label: 'JIT access name',
    sortField: 'NAME',
    defaultIn: requestTables,
    value: (r) => r.name,
  },
  {
    key: 'userAccountName',
    label: 'User account',
    sortField: 'USER_ACCOUNT_NAME',
    defaultIn: requestTables,
    value: (r) => r.userAccountName,
  },
  {
    key: 'devices',
    label: 'Devices',
    sortField: null,
    defaultIn: requestTables,
    value: (r) =>
      devicesOfRequest(r)
        .map((device) => device.name)
        .join('; '),
  },
  {
    key: 'status',
    label: 'Status',
    sortField: 'STATUS',
    defaultIn: ['PAST'],
    value: (r) => r.status,
  },
  {
    key: 'durationType',
    label: 'Duration type',
    sortField: 'DURATION_TYPE',
    defaultIn: ['PENDING'],
    value: (r) => r.durationType,
  },
  {
    key: 'durationSeconds',
    label: 'Duration (seconds)',
    sortField: 'DURATION_SECONDS',
    defaultIn: ['PENDING', 'SCHEDULED', 'PAST'],
    value: (r) => r.durationSeconds,
  },
  {
    key: 'extensionSeconds',
    label: 'Extensions (seconds)',
    sortField: 'EXTENSION_SECONDS',
    defaultIn: [],
    value: (r) => r.extensionSeconds,
  },
  {
    key: 'scheduledStartAt',
    label: 'Start date-time',
    sortField: 'SCHEDULED_START_AT',
    defaultIn: ['PENDING', 'SCHEDULED'],
    value: (r) => r.scheduledStartAt,
  },
  {
    key: 'internetAccessRequired',
    label: 'Internet access required',
    sortField: 'INTERNET_ACCESS_REQUIRED',
    defaultIn: ['ACTIVE'],
    value: (r) => r.internetAccessRequired,
  },
  {
    key: 'requesterKind',
    label: 'Requester type',
    sortField: 'REQUESTER_KIND',
    defaultIn: [],
    value: (r) => r.requesterKind,
  },
  {
    key: 'requestedBy',
    label: 'Requested by',
    sortField: 'REQUESTED_BY',
    defaultIn: ['PENDING', 'PAST'],
    value: (r) => r.requestedBy,
  },
  {
    key: 'requestedAt',
    label: 'Requested at',
    sortField: 'REQUESTED_AT',
    defaultIn: ['PENDING', 'PAST'],
    value: (r) => r.requestedAt,
  },
  {
    key: 'approvedBy',
    label: 'Approved by',
    sortField: 'APPROVED_BY',
    defaultIn: ['ACTIVE', 'SCHEDULED'],
    value: (r) => r.approvedBy,
  },
  {
    key: 'approvedAt',
    label: 'Approved at',
    sortField: 'APPROVED_AT',
    defaultIn: [],
    value: (r) => r.approvedAt,
  },
  {
    key: 'startedAt',
    label: 'Start time',
    sortField: 'STARTED_AT',
    defaultIn: ['ACTIVE', 'PAST'],
    onlyIn: ['ACTIVE', 'PAST'],
    value: (r) => r.startedAt,
  },
  {
    key: 'endedAt',
    label: 'End time',
    sortField: 'ENDED_AT',
    defaultIn: ['PAST'],
    onlyIn: ['PAST'],
    value: (r) => r.endedAt,
  },
  {
    key: 'expiresAt',
    label: 'Expiry',
    sortField: 'EXPIRES_AT',
    defaultIn: ['ACTIVE'],
    onlyIn: ['ACTIVE', 'PAST'],
    value: (r) => r.expiresAt,
  },
  {
    key: 'remainingSeconds',
    label: 'Remaining (seconds)',
    sortField: 'REMAINING_SECONDS',
    defaultIn: ['ACTIVE'],
    onlyIn: ['ACTIVE'],
    value: (r, now) => (r.expiresAt ? remainingSeconds(r.expiresAt, now) : null),
  },
  {
    key: 'reasonByUser',
    label: 'Reason by user',
    sortField: 'REASON_BY_USER',
    defaultIn: ['PENDING'],
    value: (r) => r.reasonByUser,
  },
  {
    key: 'reasonByAdmin',
    label: 'Reason by admin',
    sortField: 'REASON_BY_ADMIN',
    defaultIn: ['PAST'],
    value: (r) => r.reasonByAdmin,
  },
  {
    key: 'revokedBy',
    label: 'Revoked by',
    sortField: 'REVOKED_BY',
    defaultIn: [],
    onlyIn: ['PAST'],
    value: (r) => r.revokedBy,
  },
  {
    key: 'extensionRequested',
    label: 'Extension requested',
    sortField: 'EXTENSION_REQUESTED',
    defaultIn: ['ACTIVE'],
    onlyIn: liveTables,
    value: (r) => r.extensionRequested,
  },
];

/** Columns a table offers, in display order. */
export function columnsOf(table: RequestTable): RequestColumn[] {
  return requestColumns.filter((column) => !column.onlyIn || column.onlyIn.includes(table));
}

/** Resolves column keys for a table; throws ValidationError naming the first unknown key. */
export function requireColumns(table: RequestTable, keys: readonly string[], field: string) {
  const offered = columnsOf(table);
  const chosen: RequestColumn[] = [];
  for (const key of keys) {
    const column = offered.find((candidate) => candidate.key === key);
    if (!column) {
      throw new ValidationError(
        field,
        `Column '${key}' is not a column of the ${table} table; use one of ${offered.map((c) => c.key).join(', ')}.`,
      );
    }
    if (!chosen.includes(column)) chosen.push(column);
  }
  if (chosen.length === 0) {
    throw new ValidationError(field, `Name at least one column of the ${table} table.`);
  }
  return chosen;
}

/** Prisma ordering for a table sort, with the id as tie-breaker so pages never overlap or skip rows. */
export function requestOrderBy(
  field: RequestSortField = 'REQUESTED_AT',
  direction: SortDirection = 'DESC',
): Prisma.JitRequestOrderByWithRelationInput[] {
  const sort = direction === 'ASC' ? 'asc' : 'desc';
  const column = requestSortColumns[field];
  if (column === 'id') return [{ id: sort }];
  // Empty values go last in both directions, where a console user expects them.
  const order = nullableSortColumns.has(column) ? { sort, nulls: 'last' as const } : sort;
  return [{ [column]: order }, { id: sort }];
}

/** A table sort in SQL terms: the sorted column (none for ID), its direction and null handling. */
export interface RequestSortKey {
  /** Quoted column name, or null when the sort is by id alone. */
  column: string | null;
  descending: boolean;
  /** Whether the column may be empty; empty values sort last in both directions. */
  nullable: boolean;
}

/** Returns the SQL view of a table sort, the same order as `requestOrderBy`. */
export function requestSortKey(
  field: RequestSortField = 'REQUESTED_AT',
  direction: SortDirection = 'DESC',
): RequestSortKey {
  const column = requestSortColumns[field];
  return {
    column: column === 'id' ? null : `"${column}"`,
    descending: direction !== 'ASC',
    nullable: nullableSortColumns.has(column),
  };
}

/**
 * Renders a sort key as an SQL ORDER BY list, reversed when `reverse` is set (for reading a page
 * backwards), with columns qualified by `table` when given. Enum columns sort in declaration
 * order in PostgreSQL, as they do through Prisma.
 */
export function orderBySql(key: RequestSortKey, reverse = false, table = ''): string {
  const descending = key.descending !== reverse;
  const sort = descending ? 'DESC' : 'ASC';
  const prefix = table ? `${table}.` : '';
  if (key.column === null) return `${prefix}id ${sort}`;
  // Empty values go last in the table order, so first when it is read in reverse.
  let nulls = '';
  if (key.nullable) nulls = reverse ? ' NULLS FIRST' : ' NULLS LAST';
  return `${prefix}${key.column} ${sort}${nulls}, ${prefix}id ${sort}`;
}

/**
 * Renders the ordering of `requestOrderBy` as an SQL ORDER BY list, with the columns it reads.
 */
export function requestOrderSql(
  field: RequestSortField = 'REQUESTED_AT',
  direction: SortDirection = 'DESC',
): { columns: string[]; orderBy: string } {
  const key = requestSortKey(field, direction);
  return {
    columns: key.column === null ? ['id'] : ['id', key.column],
    orderBy: orderBySql(key),
  };
}

/** Escapes LIKE wildcards: Prisma's `contains` passes % and _ through to PostgreSQL unescaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Trims search text and checks its length; returns null when there is nothing to search for. */
export function requireSearchTerm(search: string | null | undefined): string | null {
  const term = search?.trim() ?? '';
  if (term.length === 0) return null;
  if (term.length > maxSearchLength) {
    throw new ValidationError(
      'search',
      `Search text is ${term.length} characters long; the maximum is ${maxSearchLength}.`,
    );
  }
  return term;
}

/**
 * Case-insensitive free-text search over name, user account, requester, approver, revoker,
 * reasons and device and group names. `searchText` is the lower-cased concatenation of those,
 * maintained by a database trigger.
 */
export function requestSearchWhere(search: string | null | undefined): Prisma.JitRequestWhereInput {
  const term = requireSearchTerm(search);
  if (term === null) return {};
  return { searchText: { contains: escapeLike(term.toLowerCase()) } };
}

/** Checks a Past table status filter: only Past statuses; none means all of them. */
export function requirePastStatuses(
  statuses: readonly string[] | null | undefined,
  field = 'statuses',
): JitStatus[] {
  if (!statuses || statuses.length === 0) return [...pastStatuses];
  for (const status of statuses) {
    if (!(pastStatuses as readonly string[]).includes(status)) {
      const hint = (liveStatuses as readonly string[]).includes(status)
        ? `${status} requests are in the Live tables`
        : `${status} is not a request status`;
      throw new ValidationError(
        field,
        `Status '${status}' cannot filter the Past table: ${hint}. Use ${pastStatuses.join(', ')}.`,
      );
    }
  }
  return [...new Set(statuses)] as JitStatus[];
}

/** Where-clause of one table: its statuses plus the search. */
export function requestTableWhere(
  table: RequestTable,
  options: { search?: string | null; statuses?: readonly string[] | null } = {},
): Prisma.JitRequestWhereInput {
  const status: Prisma.JitRequestWhereInput['status'] =
    table === 'PAST' ? { in: requirePastStatuses(options.statuses) } : table;
  return { status, ...requestSearchWhere(options.search) };
}
