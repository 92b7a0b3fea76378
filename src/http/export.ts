// CSV export of the request tables: GET /export/{pending,active,scheduled,past}.csv.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { stringify } from 'csv-stringify';
import { createRemoteJWKSet, type JWTPayload, jwtVerify, type JWTVerifyOptions } from 'jose';

import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { readAroundCursor } from '../db/paging.js';
import type { Clock } from '../domain/context.js';
import { DomainError, ValidationError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import {
  type Principal,
  principalFromClaims,
  type RequestColumn,
  type RequestRow,
  requestIdFromHeader,
  requestOrderBy,
  requestRowSelect,
  type RequestTable,
  requestTableWhere,
  requireColumns,
  columnsOf,
  type SortDirection,
} from '../schema/index.js';
import { sendJson } from './server.js';

/** Path prefix of the export route. */
export const exportPathPrefix = '/export/';

const tableByFile: Record<string, RequestTable> = {
  'pending.csv': 'PENDING',
  'active.csv': 'ACTIVE',
  'scheduled.csv': 'SCHEDULED',
  'past.csv': 'PAST',
};

/** Rows read per statement. The export keeps at most one page in memory. */
const exportPageSize = 500;

/** Verifies a console JWT and returns the principal; throws when the token is not acceptable. */
export type ConsoleTokenVerifier = (token: string) => Promise<Principal>;

/**
 * Verifies console JWTs the way the GraphQL endpoint does: HS256 with the shared secret, or the
 * asymmetric algorithms against JWKS_URL, with the configured issuer and audience.
 */
export function createConsoleTokenVerifier(
  config: Pick<Config, 'auth'>,
  jwtSecret: string | null,
): ConsoleTokenVerifier {
  const options: JWTVerifyOptions = {
    algorithms: jwtSecret ? ['HS256'] : ['RS256', 'ES256', 'PS256'],
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  };
  const verify = jwtSecret
    ? (token: string) => jwtVerify(token, new TextEncoder().encode(jwtSecret), options)
    : (() => {
        const keys = createRemoteJWKSet(new URL(config.auth.jwksUrl!));
        return (token: string) => jwtVerify(token, keys, options);
      })();
  return async (token) => {
    const { payload } = await verify(token);
    return principalFromClaims(payload as JWTPayload & Record<string, unknown>);
  };
}

export interface ExportOptions {
  prisma: PrismaClient;
  clock: Clock;
  log: Logger;
  verifyToken: ConsoleTokenVerifier;
}

interface ExportQuery {
  table: RequestTable;
  columns: RequestColumn[];
  search: string | null;
  statuses: string[] | null;
  orderBy: RequestColumn['sortField'];
  direction: SortDirection;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Handles GET /export/<table>.csv, for any console role. Query parameters:
 * - `columns`: comma-separated keys from the tableColumns query (default: the default columns);
 * - `search`: the same free-text search as the tables;
 * - `statuses`: Past statuses, past.csv only;
 * - `orderBy` and `direction`: a sortable column key, and `asc` or `desc` (default `desc`).
 * Rows stream out page by page.
 */
export function createExportHandler(options: ExportOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = requestIdFromHeader(request.headers['x-request-id']);
    response.setHeader('x-request-id', requestId);
    let log = options.log.child({ requestId });
    try {
      if (request.method !== 'GET') {
        response.setHeader('allow', 'GET');
        throw new HttpError(
          405,
          'VALIDATION_FAILED',
          `Use GET to export a table, not ${request.method}.`,
        );
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const table = tableByFile[url.pathname.slice(exportPathPrefix.length)];
      if (!table) {
        throw new HttpError(
          404,
          'NOT_FOUND',
          `No export at ${url.pathname}; use ${Object.keys(tableByFile)
            .map((file) => exportPathPrefix + file)
            .join(', ')}.`,
        );
      }
      const principal = await authenticate(request, options.verifyToken);
      log = log.child({ actor: principal.sub, role: principal.role });
      const query = parseExportQuery(table, url.searchParams);
      await streamCsv(query, response, options, log);
    } catch (error) {
      sendError(response, error, log);
    }
  };
}

async function authenticate(
  request: IncomingMessage,
  verifyToken: ConsoleTokenVerifier,
): Promise<Principal> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) {
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'Missing bearer token: send Authorization: Bearer <JWT>.',
    );
  }
  try {
    return await verifyToken(match[1]);
  } catch {
    throw new HttpError(
      401,
      'UNAUTHENTICATED',
      'Invalid bearer token: send Authorization: Bearer <JWT> with a current console token.',
    );
  }
}

function listParam(params: URLSearchParams, name: string): string[] | null {
  const value = params.get(name);
  if (value === null) return null;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Reads and checks the query parameters; throws ValidationError naming the first bad one. */
function parseExportQuery(table: RequestTable, params: URLSearchParams): ExportQuery {
  // PostgreSQL text cannot contain NUL, so a %00 would otherwise fail in the database.
  for (const [name, value] of params) {
    if (value.includes('\u0000')) {
      throw new ValidationError(
        name,
        `${name} contains a NUL character (%00), which cannot be stored; remove it and retry.`,
      );
    }
  }
  const keys = listParam(params, 'columns');
  const columns =
    keys === null
      ? columnsOf(table).filter((column) => column.defaultIn.includes(table))
      : requireColumns(table, keys, 'columns');

  const statuses = listParam(params, 'statuses');
  if (statuses !== null && table !== 'PAST') {
    throw new ValidationError(
      'statuses',
      'statuses filters past.csv only; the Live tables each hold one status.',
    );
  }

  const orderKey = params.get('orderBy');
  let orderBy: RequestColumn['sortField'] = null;
  if (orderKey !== null) {
    const column = columnsOf(table).find((candidate) => candidate.key === orderKey);
    if (!column?.sortField) {
      const sortable = columnsOf(table).filter((candidate) => candidate.sortField);
      throw new ValidationError(
        'orderBy',
        `Cannot sort the ${table} table by '${orderKey}'; use one of ${sortable.map((c) => c.key).join(', ')}.`,
      );
    }
    orderBy = column.sortField;
  }

  const directionParam = (params.get('direction') ?? 'desc').toUpperCase();
  if (directionParam !== 'ASC' && directionParam !== 'DESC') {
    throw new ValidationError(
      'direction',
      `direction '${params.get('direction')}' is invalid; use asc or desc.`,
    );
  }
  return {
    table,
    columns,
    search: params.get('search'),
    statuses,
    orderBy,
    direction: directionParam,
  };
}

/** Reads the table page by page with a cursor on the sort order, so memory stays bounded. */
async function* readRows(
  prisma: PrismaClient,
  query: ExportQuery,
  firstPage: RequestRow[],
): AsyncGenerator<RequestRow> {
  const where = requestTableWhere(query.table, query);
  const orderBy = requestOrderBy(query.orderBy ?? undefined, query.direction);
  let page = firstPage;
  for (;;) {
    yield* page;
    const last = page.at(-1);
    if (page.length < exportPageSize || !last) return;
    // A Live request can leave the table between two pages; reading around the cursor keeps
    // the row after it.
    page = await readAroundCursor(
      { take: exportPageSize, cursor: { id: last.id }, skip: 1 },
      (paging) =>
        prisma.jitRequest.findMany({ where, orderBy, select: requestRowSelect, ...paging }),
    );
  }
}

async function streamCsv(
  query: ExportQuery,
  response: ServerResponse,
  options: ExportOptions,
  log: Logger,
): Promise<void> {
  const startedAt = performance.now();
  // The first page is read before any byte is sent, so a bad filter or a database failure still
  // gets a proper status code instead of a cut-off file.
  const firstPage = await options.prisma.jitRequest.findMany({
    where: requestTableWhere(query.table, query),
    orderBy: requestOrderBy(query.orderBy ?? undefined, query.direction),
    select: requestRowSelect,
    take: exportPageSize,
  });
  const now = options.clock.now();
  const fileName = `${query.table.toLowerCase()}-requests-${now.toISOString().replace(/[-:]|\.\d+/g, '')}.csv`;
  response.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName}"`,
    'cache-control': 'no-store',
  });

  let rows = 0;
  const records = Readable.from(
    (async function* () {
      for await (const row of readRows(options.prisma, query, firstPage)) {
        rows++;
        yield Object.fromEntries(
          query.columns.map((column) => [column.key, column.value(row, now)]),
        );
      }
    })(),
  );
  const csv = stringify({
    header: true,
    columns: query.columns.map((column) => ({ key: column.key, header: column.label })),
    // A cell starting with = + - @ tab or CR gets a leading ' so spreadsheets show it as text.
    escape_formulas: true,
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      date: (value) => value.toISOString(),
    },
  });
  try {
    await pipeline(records, csv, response);
    log.info(
      {
        table: query.table,
        columns: query.columns.length,
        rows,
        durationMs: Math.round(performance.now() - startedAt),
      },
      'csv export',
    );
  } catch (error) {
    // Headers are out, so the only signal left to the client is the cut connection.
    if (
      response.destroyed &&
      (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE'
    ) {
      log.info({ table: query.table, rows }, 'csv export cancelled by the client');
      return;
    }
    log.error({ err: error, table: query.table, rows }, 'csv export failed mid-stream');
    response.destroy();
  }
}

const statusByCode: Partial<Record<string, number>> = { NOT_FOUND: 404, FORBIDDEN: 403 };

function sendError(response: ServerResponse, error: unknown, log: Logger): void {
  let status: number;
  let body: { message: string; extensions: Record<string, unknown> };
  if (error instanceof HttpError) {
    status = error.status;
    body = {
      message: error.message,
      extensions: { code: error.code, ...(error.field && { field: error.field }) },
    };
    if (status === 401) response.setHeader('www-authenticate', 'Bearer');
  } else if (error instanceof DomainError) {
    status = statusByCode[error.code] ?? 400;
    body = { message: error.message, extensions: { code: error.code, ...error.extensions() } };
  } else {
    log.error({ err: error }, 'csv export failed');
    status = 500;
    body = { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status, { errors: [body] });
}
